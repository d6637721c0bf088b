/* probe_ex6.c — the subject's side of exercise 6: the student's handlers in
 * the core's real HTTP server, on a port the kernel picks (see
 * grader/support/al_subject.h). */
#include <asynclab/http_server.h>
#include <asynclab/loop.h>
#include <asynclab/trace.h>
#include <string.h>

#include "al_subject.h"
#include "ex6.h"
#include "ex6_probe.h"

AL_ENTRY(app) {
    (void)peer;
    if (in_len != sizeof(ex6_app_in)) return 2;
    static ex6_app_in a;
    memcpy(&a, in, sizeof a);
    a.upstream[sizeof a.upstream - 1] = 0;
    static ex6_config cfg;
    if (al_http_url_parse(&cfg.upstream, a.upstream) < 0) return 3;
    cfg.upstream_timeout_us = a.timeout_us;
    al_loop *loop;
    al_http_router *router;
    al_http_server *server;
    al_http_server_options o = {.host = "127.0.0.1", .port = 0, .app = &cfg};
    if (al_loop_new(&loop, NULL) < 0 || al_http_router_new(&router) < 0 ||
        ex6_add_routes(router) < 0 || al_http_server_new(&server, loop, router, &o) < 0)
        return 3;
    uint16_t port = (uint16_t)al_http_server_port(server);
    if (al_entry_reply(chan, &port, sizeof port) < 0) return 3;
    al_loop_run(loop);
    return 0;
}

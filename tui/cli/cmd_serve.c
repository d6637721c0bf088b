/* cmd_serve.c — `asynclab serve`: lesson 6's JSON server, as `uvicorn app:app`.
 *
 * The server is the lesson's own code, linked into this program rather than
 * copied or exec'd: one server, whichever way it is started. The lesson
 * builds its app as a library, l06_app (lessons/06-json-server/CMakeLists.txt,
 * app.h), that its own program links too. The options are the lesson's
 * (json_server_opts), read here the way every command reads its own. */
#include "app.h"
#include "cli_opts.h"
#include "commands.h"

static void usage(FILE *out) { json_server_usage(out, "asynclab serve"); }

int cmd_serve(int argc, char **argv) {
    json_server_opts o;
    json_server_defaults(&o);
    const al_cli_opt opts[] = {
        {"host", 0, AL_CLI_STRING, .dest = &o.host, .what = "an address"},
        {"port", 0, AL_CLI_COUNT, .dest = &o.port, .min = 0, .max = 65535},
        {"backend", 0, AL_CLI_STRING, .dest = &o.backend, .what = "a backend name"},
        {"access-log", 0, AL_CLI_FLAG, .dest = &o.access_log},
        {"upstream", 0, AL_CLI_STRING, .dest = &o.upstream, .what = "a URL"},
        {"upstream-timeout", 0, AL_CLI_CALL, .dest = &o.upstream_timeout, .min = 0.001,
         .max = 3600, .call = al_cli_seconds},
        {"upstream-demo", 0, AL_CLI_FLAG, .dest = &o.demo},
        {"delay", 0, AL_CLI_CALL, .dest = &o.delay, .min = 0, .max = 3600, .call = al_cli_seconds},
        {"status", 0, AL_CLI_COUNT, .dest = &o.status, .min = 200, .max = 599},
        {"header-timeout", 0, AL_CLI_CALL, .dest = &o.header_timeout, .min = 0.001, .max = 3600,
         .call = al_cli_seconds},
        {"idle-timeout", 0, AL_CLI_CALL, .dest = &o.idle_timeout, .min = 0.001, .max = 3600,
         .call = al_cli_seconds},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 0, NULL, 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    return json_server_run(&o, "asynclab serve");
}

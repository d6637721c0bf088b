/* test_error.c — error messages name what went wrong in the system's words,
 * and say what to do where there is something to do. */
#include <string.h>

#include "al_test.h"
#include "asynclab.h"

AL_TEST(every_errno_reads_as_the_system_says) {
    /* errors the core gives no meaning of its own: the system's words */
    AL_CHECK_STR(al_strerror(-EADDRINUSE), strerror(EADDRINUSE));
    AL_CHECK_STR(al_strerror(-EADDRNOTAVAIL), strerror(EADDRNOTAVAIL));
    AL_CHECK_STR(al_strerror(-EACCES), strerror(EACCES));
    AL_CHECK_STR(al_strerror(-ENETUNREACH), strerror(ENETUNREACH));
    for (int e = 1; e < 134; e++)
        AL_CHECK_MSG(strcmp(al_strerror(-e), "unknown error") != 0 && al_strerror(-e)[0],
                     "errno %d has no words", e);
    /* one glibc has to format, and the core's own meanings */
    AL_CHECK(strstr(al_strerror(-4321), "4321") != NULL);
    AL_CHECK_STR(al_strerror(-ECANCELED), "cancelled");
}

AL_TEST(listen_error_says_why_and_what_to_do) {
    char msg[300];
    al_listen_error(msg, sizeof msg, "127.0.0.1", 8000, -EADDRINUSE, 1);
    AL_CHECK_STR(msg, "cannot listen on 127.0.0.1:8000: Address already in use: "
                      "another program is using port 8000: try --port 0 for a free one");
    al_listen_error(msg, sizeof msg, "127.0.0.1", 8001, -EADDRINUSE, 0);
    AL_CHECK(strstr(msg, "port 8001: stop it, or choose another --port") != NULL);
    al_listen_error(msg, sizeof msg, "10.9.9.9", 8000, -EADDRNOTAVAIL, 1);
    AL_CHECK(strstr(msg, "Cannot assign requested address: that address is not one of this "
                         "machine's") != NULL);
    al_listen_error(msg, sizeof msg, "127.0.0.1", 80, -EACCES, 1);
    AL_CHECK(strstr(msg, "Permission denied: ports below 1024") != NULL);
}

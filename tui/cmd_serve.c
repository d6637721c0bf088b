/* cmd_serve.c — `asynclab serve`: lesson 6's JSON server, as `uvicorn app:app`.
 *
 * The server is the lesson's own code, compiled into this program rather
 * than copied or exec'd: one server, whichever way it is started. Its files
 * are written to be built on their own (lessons/06-json-server/CMakeLists.txt)
 * and included here, so that tui/ needs no build rule of its own for them. */
#define _GNU_SOURCE   /* serve.c's RUSAGE_THREAD: before the first system header */
#include "../lessons/06-json-server/app.c"
#include "../lessons/06-json-server/offload.c"
#include "../lessons/06-json-server/serve.c"

#include "commands.h"

int cmd_serve(int argc, char **argv) { return json_server_main(argc, argv, "asynclab serve"); }

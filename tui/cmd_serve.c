/* cmd_serve.c — `asynclab serve`: lesson 6's JSON server, as `uvicorn app:app`.
 *
 * The server is the lesson's own code, linked into this program rather than
 * copied or exec'd: one server, whichever way it is started. The lesson
 * builds its app as a library, l06_app (lessons/06-json-server/CMakeLists.txt,
 * app.h), that its own program links too. */
#include "app.h"
#include "commands.h"

int cmd_serve(int argc, char **argv) { return json_server_main(argc, argv, "asynclab serve"); }

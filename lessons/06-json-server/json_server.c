/* json_server.c — lesson 6's program: the JSON server (see serve.c and app.c).
 *
 *   lessons/06-json-server/json_server --port 8000
 *   curl http://127.0.0.1:8000/          ->  {"Hello": "World"}
 *
 * `asynclab serve` runs exactly this server. */
#include "app.h"

int main(int argc, char **argv) { return json_server_main(argc, argv, "json_server"); }

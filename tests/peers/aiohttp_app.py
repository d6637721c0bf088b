"""aiohttp_app.py — the article's aiohttp server, as a peer for asynclab's harness.

The article's version sleeps one second in "/" to simulate I/O and starts
the server with loop.create_server(app.make_handler(), ...), an API that
aiohttp 3.x no longer offers. Here the same idea uses today's AppRunner,
and the simulated I/O moved to its own route so that "/" answers at once:

    GET /            {"Hello": "World"} as application/json
    GET /sleep?s=S   await asyncio.sleep(S), then {"slept": S}

Run it with Debian's packages (seen only by /usr/bin/python3):

    /usr/bin/python3 tests/peers/aiohttp_app.py --port 8000
"""
import argparse
import asyncio
import json

from aiohttp import web


async def index(request):
    return web.Response(text='{"Hello": "World"}', content_type="application/json")


async def sleep(request):
    try:
        s = float(request.query.get("s", "1"))
    except ValueError:
        raise web.HTTPBadRequest(text="s must be a number of seconds")
    if not 0 <= s <= 60:
        raise web.HTTPBadRequest(text="s must be between 0 and 60")
    await asyncio.sleep(s)  # Simulate I/O operation
    return web.Response(text=json.dumps({"slept": s}), content_type="application/json")


async def main(port):
    app = web.Application()
    app.router.add_route("GET", "/", index)
    app.router.add_route("GET", "/sleep", sleep)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    print(f"Server started at http://127.0.0.1:{port}...", flush=True)
    await asyncio.Event().wait()  # serve until killed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    try:
        asyncio.run(main(args.port))
    except KeyboardInterrupt:
        pass

"""fastapi_app.py — the article's FastAPI example, as a peer for asynclab's harness.

The article's Example 1, plus one route that makes concurrency visible:
/sleep?s=S awaits asyncio.sleep(S) — "simulate I/O" as the article's
aiohttp example does — so N concurrent /sleep requests take about S in all,
not N x S, while the event loop serves the others.

Run it with Debian's packages (seen only by /usr/bin/python3):

    /usr/bin/python3 -m uvicorn --app-dir tests/peers fastapi_app:app --port 8000

then `asynclab check http://127.0.0.1:8000/` or
`asynclab compare --with 'fastapi=/usr/bin/python3 -m uvicorn --app-dir tests/peers fastapi_app:app --port {port}'`.
uvicorn binds 127.0.0.1 by default.
"""
import asyncio

from fastapi import FastAPI, Query

app = FastAPI()


@app.get("/")
async def read_root():
    return {"Hello": "World"}


@app.get("/sleep")
async def sleep(s: float = Query(1.0, ge=0, le=60)):
    await asyncio.sleep(s)  # Simulate I/O operation: the loop serves others meanwhile
    return {"slept": s}

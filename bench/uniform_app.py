"""A stand-in for the gate that does the same fixed work on every request (for host_floor.py).

    python -m uvicorn uniform_app:app --app-dir bench

A request to ``/work/N`` does N iterations of pure-Python arithmetic and answers a fixed JSON
body of about the gate's size. The work is a number of iterations, not a CPU time: when the
host slows the CPU it takes longer, just as ``Engine.lint`` does. ``host_floor.py`` picks N so
that the server's measured CPU per request is the one it asks for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cpu_steadiness import work

#: about the size of the gate's answer to one corpus message (violations, fixed text, packs)
BODY = b'{"decision":"allow","pad":"' + b"x" * 1000 + b'"}'

Message = MutableMapping[str, Any]


def iterations(path: str) -> int:
    _, _, count = path.rpartition("/work/")
    return int(count) if count.isdigit() else 0


async def app(
    scope: Message, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Any]
) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    work(iterations(scope["path"]))
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(BODY))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})

"""A stand-in for the gate that does the same fixed work on every request (for host_floor.py).

    python -m uvicorn uniform_app:app --app-dir bench   (UNIFORM_WORK_US sets the work)

Each request does ``UNIFORM_WORK_US`` µs of pure-Python arithmetic, counted at this machine's
best speed (calibrated at start-up) and then answers a fixed JSON body of about the gate's
size. The work is a fixed number of iterations, not a fixed CPU time: when the host slows the
CPU, it takes longer, just as ``Engine.lint`` does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cpu_steadiness import work

CALIBRATION_ITERATIONS = 10_000
#: about the size of the gate's answer to one corpus message (violations, fixed text, packs)
BODY = b'{"decision":"allow","pad":"' + b"x" * 1000 + b'"}'

Message = MutableMapping[str, Any]


def iterations_per_us() -> float:
    best = float("inf")
    for _ in range(50):
        started = time.perf_counter()
        work(CALIBRATION_ITERATIONS)
        best = min(best, time.perf_counter() - started)
    return CALIBRATION_ITERATIONS / (best * 1e6)


ITERATIONS = round(float(os.environ.get("UNIFORM_WORK_US", "0")) * iterations_per_us())


async def app(
    scope: Message, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Any]
) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    work(ITERATIONS)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(BODY))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})

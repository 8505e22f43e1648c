"""The reviewer's page: ``GET /`` (check a message), ``GET /rules`` and their assets under /ui.

Plain HTML, CSS and JavaScript shipped inside the package (``linter/http/ui/``), so the page
works with no internet access: nothing is loaded from a CDN and the Content-Security-Policy
below lets the browser fetch only from this server. The page calls the same /v1 API as any
client (lint, rules, feedback, stats); it needs no token itself, and asks the person for one
when /v1 answers 401 (kept in the page's memory, never stored).
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import Response

from .gate import UI_ASSETS
from .lint import GateError

#: The asset files the page may load, with their media types (a closed set: no path walking).
ASSETS: dict[str, str] = {
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
PAGE = "index.html"
#: Only this server: no CDN, no external font, no inline script.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
HEADERS = {"Content-Security-Policy": CSP, "Cache-Control": "no-cache"}

router = APIRouter(include_in_schema=False)


def _read(name: str) -> bytes:
    return (files(__package__) / "ui" / name).read_bytes()


@router.get("/")
@router.get("/rules")
async def page() -> Response:
    """The same page for both paths; its script shows the rules view at /rules."""
    return Response(_read(PAGE), media_type="text/html; charset=utf-8", headers=HEADERS)


@router.get(UI_ASSETS + "/{name}")
async def asset(name: str) -> Response:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise GateError(404, "not_found", "no such file")
    return Response(_read(name), media_type=media_type, headers=HEADERS)

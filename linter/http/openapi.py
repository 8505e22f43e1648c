"""The gate's OpenAPI document (/openapi.json, read by /docs): bodies, bearer token, errors.

FastAPI describes the routes it serves; the two lint endpoints are answered below its router
(``http.lint``), so they are described here from the models of ``http.models``. Every /v1/*
operation carries the bearer-token scheme (so "Authorize" in /docs sends the token) and the
error answers the gate really gives, all in the one ``ErrorOut`` shape of
``linter.http.gate.error_body`` — not FastAPI's own validation-error shape, which is never sent.
"""

from __future__ import annotations

from typing import Any

from fastapi.openapi.utils import get_openapi
from fastapi.routing import BaseRoute
from pydantic import BaseModel, Field

from .feedback import FeedbackIn
from .models import BatchIn, BatchOut, ErrorOut, LintIn, LintOut

BEARER = "bearerToken"
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "Needed on /v1/* once the server has tokens ([server] tokens and "
    "admin-tokens in msglint.toml, or MSGLINT_API_TOKENS and MSGLINT_ADMIN_TOKENS); "
    "/v1/admin/* needs an admin token. With no tokens configured every call is open.",
}


class ReloadRefusedOut(ErrorOut):
    """A refused reload: the packs of ``packs_version`` keep serving."""

    packs_version: str = Field(description="the packs still serving")


#: Status -> (description, answer model, response headers) of every error the gate gives.
ERROR_ANSWERS: dict[str, tuple[str, type[BaseModel], tuple[str, ...]]] = {
    "401": (
        "unauthorized: tokens are configured and the request has no bearer token, "
        "or an unknown one",
        ErrorOut,
        ("WWW-Authenticate",),
    ),
    "403": ("forbidden: an API token on an admin call", ErrorOut, ()),
    "404": ("unknown_rule: no rule has this id; GET /v1/rules lists them", ErrorOut, ()),
    "413": (
        "request_too_large, message_too_large or batch_too_large: over max-request-bytes, "
        "max-message-chars or max-batch",
        ErrorOut,
        (),
    ),
    "415": ("unsupported_media_type: Content-Type is not application/json", ErrorOut, ()),
    "422": (
        "invalid_json or invalid_body: error.field names the first bad field, error.details "
        "lists them",
        ErrorOut,
        (),
    ),
    "500": ("rule_timeout, engine_error or internal_error: do not send", ErrorOut, ()),
    "503": ("not_ready: the packs are not loaded yet", ErrorOut, ("Retry-After",)),
}
FEEDBACK_DOWN = (
    "feedback_unavailable: the feedback database cannot be reached (lint keeps working); "
    "or not_ready: the packs are not loaded yet",
    ErrorOut,
    (),
)
REFUSED = (
    "reload_refused: the new packs or config cannot serve; the old packs keep serving",
    ReloadRefusedOut,
    (),
)
LINT_ERRORS = ("401", "413", "415", "422", "500", "503")
#: The error answers of each /v1 operation (``linter.http.gate`` answers 401, 403 and 503); one not
#: listed has those of every /v1 call.
OPERATION_ERRORS: dict[tuple[str, str], tuple[str, ...]] = {
    ("/v1/lint", "post"): LINT_ERRORS,
    ("/v1/lint/batch", "post"): LINT_ERRORS,
    ("/v1/rules", "get"): ("401", "503"),
    ("/v1/rules/{rule_id}", "get"): ("401", "404", "503"),
    ("/v1/admin/reload", "post"): ("401", "403", "422", "503"),
    ("/v1/feedback", "post"): ("401", "413", "415", "422", "503"),
    ("/v1/stats", "get"): ("401", "422", "503"),
}
#: Answers that differ from the general entry of their status on one operation.
SPECIAL_ANSWERS = {
    ("/v1/admin/reload", "post", "422"): REFUSED,
    ("/v1/feedback", "post", "503"): FEEDBACK_DOWN,
    ("/v1/stats", "get", "503"): FEEDBACK_DOWN,
}


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(model)}}


def component_schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI component schemas of ``models`` and of every model they refer to."""
    out: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out


def lint_operation(
    operation_id: str, summary: str, body: type[BaseModel], answer: type[BaseModel]
) -> dict[str, Any]:
    """The OpenAPI ``post`` of a lint endpoint (served as a plain route, so described here)."""
    return {
        "post": {
            "summary": summary,
            "operationId": operation_id,
            "requestBody": {"required": True, "content": _json(body)},
            "responses": {"200": {"description": "judged", "content": _json(answer)}},
        }
    }


def error_response(description: str, model: type[BaseModel], headers: tuple[str, ...]) -> Any:
    response: dict[str, Any] = {"description": description, "content": _json(model)}
    if headers:
        response["headers"] = {h: {"schema": {"type": "string"}} for h in headers}
    return response


def gate_openapi(title: str, version: str, description: str, routes: list[BaseRoute]) -> Any:
    schema = get_openapi(title=title, version=version, description=description, routes=routes)
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for fastapi_only in ("HTTPValidationError", "ValidationError"):
        schemas.pop(fastapi_only, None)
    schemas.update(
        component_schemas(
            LintIn, BatchIn, LintOut, BatchOut, ErrorOut, ReloadRefusedOut, FeedbackIn
        )
    )
    components["securitySchemes"] = {BEARER: SECURITY_SCHEME}
    paths = schema["paths"]
    paths["/v1/lint"] = lint_operation("lint", "Judge one message", LintIn, LintOut)
    paths["/v1/lint/batch"] = lint_operation(
        "lint_batch", "Judge up to max-batch messages, each on its own", BatchIn, BatchOut
    )
    for path, operations in paths.items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            operation["security"] = [{BEARER: []}]
            responses = {k: v for k, v in operation["responses"].items() if k < "400"}
            for status in OPERATION_ERRORS.get((path, method), ("401", "503")):
                answer = SPECIAL_ANSWERS.get((path, method, status), ERROR_ANSWERS[status])
                responses[status] = error_response(*answer)
            operation["responses"] = responses
    return schema

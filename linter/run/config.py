"""Configuration: ``--config FILE``, ``msglint.toml`` / ``.msglint.toml``, or ``[tool.msglint]``.

Keys (TOML, kebab-case)::

    select = ["ALL"]                 # rule ids, id prefixes, categories or rule names
    ignore = ["ZH-ABU-003"]
    fail-on = "error"                # error | warning | info | never
    organization = ["XX消费金融"]     # names the sender may sign with
    gateway-signature = "【XX消费金融】"  # the signature the SMS gateway adds to every message
    packs = ["compliance/packs"]     # extra pack files or folders (relative to this file)
    exclude = ["rules/", "*.schema.json"]  # gitignore globs left out of folder walks
    lang = "zh"                      # language of messages and fixes: zh | en
    contact-hours = ["08:00", "21:00"]  # narrows the packs' legal window, never widens it
    timezone = "Asia/Shanghai"       # recipients' IANA time zone when a message names none
    [severity]                       # per rule id
    ZH-ABU-001 = "warning"
    [per-file-ignores]               # glob → rules ignored in matching files
    "legacy/**" = ["ZH-ID"]
    [[context]]                      # context defaults by glob
    paths = ["templates/contacts/**"]
    recipient = "third_party"        # also channel, timezone, gateway-signature
    [server]                         # ``msglint serve`` only (see the README)
    tokens = ["…"]                   # bearer tokens for /v1/* (MSGLINT_API_TOKENS wins)
    admin-tokens = ["…"]             # tokens for /v1/admin/* (MSGLINT_ADMIN_TOKENS wins)
    max-batch = 1000                 # messages per /v1/lint/batch request
    max-message-chars = 10000        # characters per message
    max-request-bytes = 4194304      # bytes per request body
    [feedback]                       # reviewers' verdicts: POST /v1/feedback, msglint stats
    database-url = "postgresql+psycopg://user@host/db"  # default: the SQLite file ``path``
    path = ".msglint/feedback.sqlite3"  # relative to this file; created on first use
    store-text = false               # keep the message text itself (default: a keyed hash only)
    precision-floor = 0.8            # rules under it are listed first by stats
    hash-key = "…"                   # key of the text hash (MSGLINT_FEEDBACK_KEY wins)
"""

from __future__ import annotations

import contextlib
import tomllib
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..core.models import (
    DEFAULT_TIMEZONE,
    Channel,
    GatewaySignature,
    Recipient,
    Severity,
    TimeZoneName,
    problem_text,
)
from ..core.options import EngineOptions
from ..core.selection import UnknownSelector, check_selectors
from .suppressions import SUPPRESSION_RULES
from .walk import glob_spec

if TYPE_CHECKING:  # a type only: reading a config loads no pack schema
    from ..core.rule_spec import RuleSpec

CONFIG_NAMES = ("msglint.toml", ".msglint.toml")
FailOn = Literal["error", "warning", "info", "never"]


class ConfigError(Exception):
    """A config that cannot be used: ``file: field: reason``."""


class ContextDefault(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    paths: list[str] = Field(min_length=1)
    recipient: Recipient | None = None
    channel: Channel | None = None
    timezone: TimeZoneName | None = None
    gateway_signature: GatewaySignature | None = Field(default=None, alias="gateway-signature")


#: the context fields a ``[[context]]`` table may set (every field but its paths)
_CONTEXT_DEFAULT_KEYS = tuple(k for k in ContextDefault.model_fields if k != "paths")

#: The widest window any deployment may send in, local time: the industry rules forbid
#: collection contact from 22:00 to 08:00 (see rules/zh-CN/contact_time.yaml).
LEGAL_CONTACT_HOURS = ("08:00", "22:00")

#: A bearer token shorter than this is guessable; the server refuses to start with one.
MIN_TOKEN_CHARS = 16


class ServerConfig(BaseModel):
    """The ``[server]`` table: auth and size limits of the HTTP pre-send gate."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    tokens: list[str] = []
    admin_tokens: list[str] = Field(default=[], alias="admin-tokens")
    max_batch: int = Field(default=1000, ge=1, alias="max-batch")
    max_message_chars: int = Field(default=10_000, ge=1, alias="max-message-chars")
    max_request_bytes: int = Field(default=4 * 1024 * 1024, ge=1024, alias="max-request-bytes")

    @field_validator("tokens", "admin_tokens")
    @classmethod
    def _long_enough(cls, v: list[str]) -> list[str]:
        for token in v:
            if len(token) < MIN_TOKEN_CHARS or token != token.strip():
                raise ValueError(
                    f"a token needs at least {MIN_TOKEN_CHARS} characters and no spaces around it"
                )
        return v


class FeedbackConfig(BaseModel):
    """The ``[feedback]`` table: where reviewers' verdicts are kept, and what of the text."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    database_url: str | None = Field(default=None, alias="database-url", min_length=1)
    path: str = Field(default=".msglint/feedback.sqlite3", min_length=1)
    store_text: bool = Field(default=False, alias="store-text")
    precision_floor: float = Field(default=0.8, ge=0, le=1, alias="precision-floor")
    hash_key: str | None = Field(default=None, alias="hash-key", min_length=16)


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    select: list[str] = ["ALL"]
    ignore: list[str] = []
    fail_on: FailOn = Field(default="error", alias="fail-on")
    organization: list[str] = []
    gateway_signature: GatewaySignature | None = Field(default=None, alias="gateway-signature")
    packs: list[str] = []
    #: gitignore-style globs (relative to this file) that folder walks leave out
    exclude: list[str] = []
    lang: Literal["zh", "en"] = "zh"
    contact_hours: tuple[str, str] | None = Field(default=None, alias="contact-hours")
    timezone: TimeZoneName = DEFAULT_TIMEZONE
    severity: dict[str, Severity] = {}
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict, alias="per-file-ignores")
    context: list[ContextDefault] = []
    server: ServerConfig = Field(default_factory=ServerConfig)
    feedback: FeedbackConfig = Field(default_factory=FeedbackConfig)
    #: where relative paths in this config are resolved from (not a key)
    root: Path = Field(default=Path("."), exclude=True)
    source: str | None = Field(default=None, exclude=True)

    @field_validator("contact_hours")
    @classmethod
    def _hours(cls, v: tuple[str, str] | None) -> tuple[str, str] | None:
        if v is None:
            return v
        for h in v:
            parts = h.split(":")
            ok = len(parts) == 2 and all(p.isdigit() for p in parts)
            if not ok or not (0 <= int(parts[0]) <= 23 and 0 <= int(parts[1]) <= 59):
                raise ValueError(f"{h!r} is not a time HH:MM")
        start, end = (f"{int(h[:-3]):02d}{h[-3:]}" for h in v)
        if start >= end:
            raise ValueError(f"starts at {start}, not before it ends at {end}")
        legal_start, legal_end = LEGAL_CONTACT_HOURS
        if start < legal_start or end > legal_end:
            raise ValueError(
                f"{start}–{end} is wider than the legal window {legal_start}–{legal_end}; "
                "contact-hours may only narrow it"
            )
        return (start, end)

    def extra_pack_paths(self) -> list[Path]:
        return [self.root / p for p in self.packs]

    def engine_options(
        self, select: list[str] | None = None, ignore: list[str] | None = None
    ) -> EngineOptions:
        return EngineOptions(
            select=select or self.select,
            ignore=[*self.ignore, *(ignore or [])],
            severity=self.severity,
            contact_hours=self.contact_hours,
            timezone=self.timezone,
            organization=self.organization,
            gateway_signature=self.gateway_signature,
            lang=self.lang,
        )

    def check_selectors(self, rules: list[RuleSpec]) -> None:
        """Raise :class:`ConfigError` naming this file and the key where a selector, rule id
        or category matches none of ``rules`` (those of every pack loaded, extra packs too)."""
        try:
            check_selectors("select", self.select, rules)
            check_selectors("ignore", self.ignore, rules, also=SUPPRESSION_RULES)
            check_selectors("severity", self.severity, rules, exact=True)
            self._model_rules_at_most_warning(rules)
            for glob, selectors in self.per_file_ignores.items():
                check_selectors(f'per-file-ignores."{glob}"', selectors, rules)
        except UnknownSelector as exc:
            raise ConfigError(f"{self.source or 'config'}: {exc}") from None

    def _model_rules_at_most_warning(self, rules: list[RuleSpec]) -> None:
        """A model can send a message to review, never block it alone: the pack schema caps a
        ``kind: model`` rule at warning, and so does ``[severity]``."""
        models = {r.id for r in rules if r.match.kind == "model"}
        for rule_id, level in self.severity.items():
            if rule_id in models and level == Severity.error:
                raise ConfigError(
                    f"{self.source or 'config'}: severity: {rule_id} is a model rule: at most "
                    "'warning' (a model can send a message to review, never block it alone)"
                )

    def _relative(self, path: str) -> str:
        return _relative_to(self.root, path)

    def ignored_for(self, path: str | None) -> list[str]:
        if path is None:
            return []
        rel = self._relative(path)
        return [
            r for glob, rules in self.per_file_ignores.items() if _glob(rel, glob) for r in rules
        ]

    def context_for(self, path: str | None) -> dict[str, Any]:
        if path is None:
            return {}
        rel = self._relative(path)
        out: dict[str, Any] = {}
        for entry in self.context:
            if any(_glob(rel, g) for g in entry.paths):
                for key in _CONTEXT_DEFAULT_KEYS:
                    if value := getattr(entry, key):
                        out[key] = value
        return out


@lru_cache(maxsize=1024)
def _relative_to(root: Path, path: str) -> str:
    """``path`` relative to ``root`` in POSIX form (asked once per message: cached)."""
    p = Path(path)
    with contextlib.suppress(ValueError):  # outside the root: keep the path as given
        p = p.resolve().relative_to(root.resolve())
    return PurePosixPath(p.as_posix()).as_posix()


def _glob(path: str, pattern: str) -> bool:
    """gitignore patterns (pathspec): ``**`` crosses folders, no ``/`` matches at any depth."""
    return glob_spec((pattern,)).match_file(path)


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        if path.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text) or {}
        else:
            data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("msglint", {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config is a table of keys")
    return data


def load_config(explicit: Path | None, cwd: Path) -> Config:
    """The config named on the command line, else the first found from ``cwd`` upwards."""
    path = explicit
    if path is None:
        path = _discover(cwd)
        if path is None:
            return Config(root=cwd)
    elif not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    data = _read(path)
    try:
        return Config.model_validate({**data, "root": path.parent, "source": str(path)})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{path}: {field}: {problem_text(err)}") from None


def _discover(cwd: Path) -> Path | None:
    for folder in (cwd, *cwd.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "msglint" in tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}):
                    return pyproject
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                pass  # someone else's broken pyproject is not our config
        if (folder / ".git").exists():
            break
    return None

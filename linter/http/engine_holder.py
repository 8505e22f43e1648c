"""The serving state of the HTTP gate: one engine and its settings, swapped atomically on reload.

A :class:`Snapshot` is everything a request needs (engine, pack versions, limits, tokens). It is
built completely, off to the side, and probed before it is published by replacing one
reference. A request takes the reference once and keeps it to the end, so a request in flight
finishes on the packs it started with, and a pack that fails to load, compile or answer the
probe never replaces the one serving.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..core.engine import Engine
from ..core.errors import PackError
from ..core.models import Decision, MessageContext
from ..packs.loader import build_engine
from ..run.config import MIN_TOKEN_CHARS, Config, ConfigError, ServerConfig, load_config

#: The environment a worker reads its start-up options from (``msglint serve`` sets them, and
#: they reach every ``--workers`` process, which uvicorn spawns afresh).
ENV_CONFIG = "MSGLINT_CONFIG"
ENV_PACKS = "MSGLINT_PACKS"  # extra pack files or folders, separated by os.pathsep
ENV_LANG = "MSGLINT_LANG"
ENV_API_TOKENS = "MSGLINT_API_TOKENS"  # comma-separated; wins over [server] tokens
ENV_ADMIN_TOKENS = "MSGLINT_ADMIN_TOKENS"
#: set by ``msglint serve --workers N`` (N > 1): the pid of uvicorn's supervisor, which
#: replaces every worker one at a time on SIGHUP
ENV_SUPERVISOR = "MSGLINT_SUPERVISOR_PID"

#: Linted before a snapshot is published and by /readyz: proves the packs are compiled,
#: jieba answers and the decision path works end to end.
#: a threat, and a word half in pinyin: probing it also loads pypinyin and the Latin reader's
#: indexes before the first request, not during it
PROBE_TEXT = "再不还钱就找人收拾你，fa院见"


class ReloadRefused(Exception):
    """New packs or config that cannot serve; the old snapshot keeps serving."""


@dataclass(frozen=True)
class ServeOptions:
    """Where packs and config come from; fixed for the life of the process."""

    config_path: Path | None = None
    extra_packs: tuple[Path, ...] = ()
    lang: str | None = None
    cwd: Path = field(default_factory=Path.cwd)
    #: the supervisor of several workers (None: this process is the only one)
    supervisor_pid: int | None = None

    @classmethod
    def from_env(cls) -> ServeOptions:
        packs = os.environ.get(ENV_PACKS, "")
        config = os.environ.get(ENV_CONFIG)
        return cls(
            config_path=Path(config) if config else None,
            extra_packs=tuple(Path(p) for p in packs.split(os.pathsep) if p),
            lang=os.environ.get(ENV_LANG) or None,
            supervisor_pid=_pid(os.environ.get(ENV_SUPERVISOR)),
        )

    def replace_workers(self) -> bool:
        """Ask the supervisor to replace every worker (each loads the packs afresh); False
        when there is no supervisor, or this process is not one of its workers."""
        if self.supervisor_pid is None or os.getppid() != self.supervisor_pid:
            return False
        os.kill(self.supervisor_pid, signal.SIGHUP)
        return True


def _pid(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _digest(token: str) -> bytes:
    # Comparing fixed-length digests keeps the time independent of the token's length.
    return hashlib.sha256(token.encode()).digest()


def _env_tokens(name: str) -> list[str] | None:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return None
    tokens = [t.strip() for t in raw.split(",") if t.strip()]
    if any(len(t) < MIN_TOKEN_CHARS for t in tokens):
        raise ConfigError(f"{name}: a token needs at least {MIN_TOKEN_CHARS} characters")
    return tokens


@dataclass(frozen=True)
class Auth:
    """Token digests. No tokens at all = auth off (local use); any token = auth on."""

    api: tuple[bytes, ...] = ()
    admin: tuple[bytes, ...] = ()

    @classmethod
    def from_config(cls, server: ServerConfig) -> Auth:
        api = _env_tokens(ENV_API_TOKENS)
        admin = _env_tokens(ENV_ADMIN_TOKENS)
        return cls(
            api=tuple(_digest(t) for t in (server.tokens if api is None else api)),
            admin=tuple(_digest(t) for t in (server.admin_tokens if admin is None else admin)),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.api or self.admin)

    @staticmethod
    def _known(digest: bytes, known: tuple[bytes, ...]) -> bool:
        found = False
        for candidate in known:  # no early exit: every token is compared every time
            found |= hmac.compare_digest(digest, candidate)
        return found

    def role(self, token: str | None) -> str | None:
        """``admin``, ``api``, or None for a missing or unknown token."""
        if token is None:
            return None
        digest = _digest(token)
        if self._known(digest, self.admin):
            return "admin"
        if self._known(digest, self.api):
            return "api"
        return None


@dataclass(frozen=True)
class Snapshot:
    """One loaded, probed engine and the settings that came with it. Never mutated."""

    engine: Engine
    config: Config
    auth: Auth
    packs: list[dict[str, str]]
    loaded_at: float

    @property
    def packs_version(self) -> str:
        return self.engine.version

    @property
    def limits(self) -> ServerConfig:
        return self.config.server


def probe(engine: Engine) -> None:
    """Raise unless the engine has rules to apply and answers a message with a decision."""
    if not engine.rules:
        raise ReloadRefused("no rules are selected: the gate would allow everything")
    outcome = engine.lint(PROBE_TEXT, MessageContext())
    if not isinstance(outcome.decision, Decision):
        raise ReloadRefused("the engine did not answer the probe message with a decision")


def load_snapshot(options: ServeOptions) -> Snapshot:
    """Read the config, load and compile every pack, probe the engine. Raises ReloadRefused."""
    try:
        config = load_config(options.config_path, options.cwd)
        if options.lang:
            config = config.model_copy(update={"lang": options.lang})
        auth = Auth.from_config(config.server)
        engine = build_engine(
            [*config.extra_pack_paths(), *options.extra_packs], config.engine_options()
        )
        config.check_selectors([r.spec for r in engine.all_rules])
        engine.warm()  # every pattern compiled before the first request, not during it
    except (ConfigError, PackError) as exc:
        raise ReloadRefused(str(exc)) from None
    except (KeyError, ValueError) as exc:  # a pack that validates but does not compile
        raise ReloadRefused(f"packs do not compile: {type(exc).__name__}: {exc}") from None
    probe(engine)
    packs = [{"name": p.spec.pack.name, "sha256": p.sha256} for p in engine.packs]
    return Snapshot(engine=engine, config=config, auth=auth, packs=packs, loaded_at=time.time())


class EngineHolder:
    """The one reference requests read; ``reload`` replaces it only with a probed snapshot."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self._lock = threading.Lock()  # one reload at a time; readers never take it
        self._current: Snapshot | None = None

    @property
    def current(self) -> Snapshot:
        snap = self._current
        if snap is None:
            raise RuntimeError("no packs loaded yet")
        return snap

    @property
    def ready(self) -> bool:
        return self._current is not None

    def reload(self) -> Snapshot:
        """Build a new snapshot and publish it; on failure keep the old one and raise."""
        with self._lock:
            try:
                snap = load_snapshot(self.options)
            except ReloadRefused:
                raise
            except Exception as exc:  # whatever went wrong, the old snapshot keeps serving
                raise ReloadRefused(f"{type(exc).__name__} while loading packs") from exc
            self._current = snap  # a single reference assignment: atomic for readers
            _settle_heap()
            return snap


def _settle_heap() -> None:
    """Keep the loaded packs and jieba's dictionary out of the garbage collector's way.

    jieba's prefix dictionary is one dict of ~350k entries; every full collection walks it, a
    30+ ms pause that lands on whichever requests are in flight (a p99 of several times the
    p50). Freezing moves what is loaded now into the permanent generation, which collections
    skip. Unfreezing first lets the collection free the previous snapshot's cycles.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()

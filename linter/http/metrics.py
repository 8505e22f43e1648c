"""Prometheus metrics of the HTTP gate.

Labels are closed sets only: endpoint (a route template, never the raw path), method, status,
decision, rule id, category, reload result. Message text, message ids, recipients and tokens
never become labels: they would leak personal data and explode the series count.

With ``--workers`` > 1, ``msglint serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder
so /metrics (answered by whichever worker the connection reached) adds up every worker.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from ..core.models import Violation

#: Latency buckets (seconds) around the gate's budget: sub-millisecond to a slow batch.
BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def _multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


class GateMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        disable_created_metrics()  # *_created series: twice the output, nothing a gate needs
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "msglint_http_requests",
            "HTTP requests answered",
            ["endpoint", "method", "status", "decision"],
            registry=r,
        )
        self.latency = Histogram(
            "msglint_http_request_duration_seconds",
            "Time from the request's first byte read to the response's last byte sent",
            ["endpoint", "decision"],
            buckets=BUCKETS,
            registry=r,
        )
        self.messages = Counter(
            "msglint_messages", "Messages judged, by decision", ["decision"], registry=r
        )
        self.violations = Counter(
            "msglint_violations", "Violations found", ["rule", "category"], registry=r
        )
        self.faults = Counter(
            "msglint_engine_faults",
            "Messages the engine could not judge (answered as errors)",
            ["kind"],
            registry=r,
        )
        self.reloads = Counter("msglint_pack_reloads", "Pack reloads tried", ["result"], registry=r)
        self.packs_info = Gauge(
            "msglint_packs_info",
            "1 for the packs version this process serves",
            ["packs_version"],
            registry=r,
            multiprocess_mode="liveall",
        )
        self._serving: str | None = None
        self._request_series: dict[tuple[str, str, int, str], tuple[Any, Any]] = {}
        self._children: dict[tuple[Any, ...], Any] = {}

    def observe_request(
        self, endpoint: str, method: str, status: int, decision: str, seconds: float
    ) -> None:
        key = (endpoint, method, status, decision)
        series = self._request_series.get(key)
        if series is None:
            series = (
                self.requests.labels(endpoint, method, str(status), decision),
                self.latency.labels(endpoint, decision),
            )
            self._request_series[key] = series
        series[0].inc()
        series[1].observe(seconds)

    def observe_message(self, decision: str, violations: Iterable[Violation]) -> None:
        self._child(self.messages, decision).inc()
        for v in violations:
            for rule in v.rules:  # a merged finding counts for every rule that matched
                self._child(self.violations, rule, v.category.value).inc()

    def fault(self, kind: str) -> None:
        self._child(self.faults, kind).inc()

    def _child(self, metric: Counter, *labels: str) -> Any:
        """``metric.labels(*labels)``, looked up once: ``labels()`` costs ~7 µs a call, and
        the hot path calls it several times per message. Label values are closed sets."""
        key = (id(metric), *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def serving(self, packs_version: str) -> None:
        if self._serving == packs_version:
            return
        if self._serving is not None:
            self.packs_info.labels(self._serving).set(0)
            self.packs_info.remove(self._serving)
        self.packs_info.labels(packs_version).set(1)
        self._serving = packs_version

    def process_exits(self) -> None:
        """Drop this worker's live-only series from the shared folder (several workers)."""
        if _multiprocess():
            mark_process_dead(os.getpid())

    def render(self) -> bytes:
        if _multiprocess():
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)

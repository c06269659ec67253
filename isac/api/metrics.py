"""Prometheus metrics (prometheus-client): requests, latency, stages, answers, index version.

Each app has its own registry, so tests can build many apps; `/metrics` renders it. With
several workers, each one exposes its own series (scrape them per worker, or run one per
container); see docs/operations.md.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

BUCKETS_MS = (1, 2.5, 5, 10, 15, 25, 50, 100, 250, 500, 1000, 2500)


class Metrics:
    """The service's series, in one registry per app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("isac_requests_total", "HTTP requests by route and status",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("isac_request_latency_ms", "HTTP request latency (ms) by route", ["route"],
                                 buckets=BUCKETS_MS, registry=self.registry)
        self.stages = Histogram("isac_stage_latency_ms", "query stage latency (ms)", ["stage"], buckets=BUCKETS_MS,
                                registry=self.registry)
        self.answers = Counter("isac_answers_total", "decisions by status (answer, clarify, none)", ["status"],
                               registry=self.registry)
        self.cache = Counter("isac_cache_total", "result cache lookups by outcome (hit, miss)", ["outcome"],
                             registry=self.registry)
        self.index_built = Gauge("isac_index_built_timestamp_seconds", "when the served index was built",
                                 registry=self.registry)
        self.index_info = Gauge("isac_index_info", "the served index (value 1)", ["version", "entries"],
                                registry=self.registry)
        self.reloads = Counter("isac_index_reloads_total", "index reloads by outcome", ["outcome"],
                               registry=self.registry)

    def observe_request(self, route: str, method: str, status: int, ms: float) -> None:
        """One finished HTTP request."""
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(ms)

    def observe_result(self, timings_ms: dict[str, float], status: str | None = None) -> None:
        """A query's stage timings and, for asks and chats, its decision."""
        for stage, ms in timings_ms.items():
            self.stages.labels(stage).observe(ms)
        if status:
            self.answers.labels(status).inc()

    def set_index(self, manifest: dict, version: str, entries: int) -> None:
        """The index now served."""
        self.index_info.clear()
        self.index_info.labels(version, str(entries)).set(1)
        built = manifest.get("built_at")
        try:
            self.index_built.set(time.mktime(time.strptime(built, "%Y-%m-%dT%H:%M:%S%z")) if built else 0)
        except ValueError:
            self.index_built.set(0)

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)

"""Prometheus metrics, written as the text exposition format by hand.

Why not prometheus-client: a service needs five series here, and the text format is a few
lines; the client's multi-process mode (what ``--workers N`` would need for totals across
workers) wants a shared directory and cleanup on worker restarts. Each worker process reports
its own series instead (run one worker per container and let Prometheus sum over replicas,
the usual way), and nothing is added to the dependencies.
"""

from __future__ import annotations

import threading
from collections import Counter

__all__ = ["BUCKETS", "Metrics"]

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Latency histogram bounds in seconds (the screening target is p99 < 25 ms)."""


class Metrics:
    """Counters and one latency histogram per route; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, str, int]] = Counter()
        self.outcomes: Counter[str] = Counter()
        self._buckets: dict[str, list[int]] = {}
        self._sums: dict[str, float] = {}
        self._counts: Counter[str] = Counter()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """One finished request."""
        with self._lock:
            self.requests[(method, route, status)] += 1
            buckets = self._buckets.setdefault(route, [0] * len(BUCKETS))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[i] += 1
            self._sums[route] = self._sums.get(route, 0.0) + seconds
            self._counts[route] += 1

    def outcome(self, outcome: str, n: int = 1) -> None:
        """Decisions made (and error records, counted as ``review``)."""
        with self._lock:
            self.outcomes[outcome] += n

    def render(self, extra: list[tuple[str, str, str, dict[str, str], float]]) -> str:
        """The exposition text; ``extra`` holds (name, type, help, labels, value) samples."""
        out: list[str] = []

        def head(name: str, kind: str, text: str) -> None:
            out.append(f"# HELP {name} {text}")
            out.append(f"# TYPE {name} {kind}")

        with self._lock:
            head("screening_http_requests_total", "counter", "HTTP requests by route and status.")
            for (method, route, status), n in sorted(self.requests.items()):
                labels = _labels({"method": method, "route": route, "status": str(status)})
                out.append(f"screening_http_requests_total{labels} {n}")
            head(
                "screening_http_request_duration_seconds",
                "histogram",
                "Time from request to the last byte of the response, by route.",
            )
            for route in sorted(self._buckets):
                for bound, n in zip(BUCKETS, self._buckets[route], strict=True):
                    labels = _labels({"route": route, "le": repr(bound)})
                    out.append(f"screening_http_request_duration_seconds_bucket{labels} {n}")
                labels = _labels({"route": route, "le": "+Inf"})
                count = self._counts[route]
                out.append(f"screening_http_request_duration_seconds_bucket{labels} {count}")
                plain = _labels({"route": route})
                out.append(
                    f"screening_http_request_duration_seconds_sum{plain} {self._sums[route]!r}"
                )
                out.append(f"screening_http_request_duration_seconds_count{plain} {count}")
            head("screening_decisions_total", "counter", "Decisions made, by outcome.")
            for outcome in ("block", "clear", "review"):
                labels = _labels({"outcome": outcome})
                out.append(f"screening_decisions_total{labels} {self.outcomes[outcome]}")
        for name, kind, text, labels_, value in extra:
            head(name, kind, text)
            out.append(f"{name}{_labels(labels_)} {_number(value)}")
        return "\n".join(out) + "\n"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items()) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

"""Helpers shared by the bench's child processes: timers, peak memory, JSON hand-off."""

from __future__ import annotations

import json
import resource
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NA = "n/a"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """Run once; return (seconds, result)."""
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def median_time(
    action: Callable[[Any], Any], inputs: list[Any], budget_s: float | None = None
) -> float:
    """Median seconds of `action` over the inputs; an exception counts as a finished call.

    With a budget, stop once the calls so far have taken longer (at least one is made).
    """
    times: list[float] = []
    for value in inputs:
        if budget_s is not None and times and sum(times) > budget_s:
            break
        started = time.perf_counter()
        try:
            if budget_s is None:
                action(value)
            else:
                bounded(lambda: action(value), int(budget_s) + 1)  # noqa: B023 - called now
        except OverBudget:
            if not times:
                raise
            break
        except Exception as exc:  # a "not found" is still an answer
            if type(exc).__name__ not in ("NotFoundError", "NetworkXNoPath", "NodeNotFound"):
                raise
        times.append(time.perf_counter() - started)
    return statistics.median(times) if times else float("nan")


def emit(result: dict[str, Any]) -> None:
    """Hand the result to the parent: one JSON line on stdout, last."""
    sys.stdout.write("\nBENCH-RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()


def parse_emitted(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            loaded: dict[str, Any] = json.loads(line[len("BENCH-RESULT ") :])
            return loaded
    raise RuntimeError("the child printed no result:\n" + stdout[-2000:])


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


class OverBudget(Exception):
    """An operation ran past its time budget."""


def bounded(action: Callable[[], Any], seconds: int) -> Any:
    """Run `action`, interrupting it (SIGALRM) after `seconds`; raise OverBudget then."""

    def stop(signum: int, frame: Any) -> None:
        raise OverBudget

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        return action()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

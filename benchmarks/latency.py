"""Latency figures of a load run: percentiles of the turn times (pure, no I/O)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` (0..1) percentile, interpolated between the closest ranks; NaN if empty.

    The same definition as numpy's default ("linear"): p50 of [1, 2, 3, 4] is 2.5.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be between 0 and 1, not {share}")
    if not values:
        return math.nan
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * fraction


@dataclass(frozen=True)
class Latency:
    """The distribution of turn times, in seconds."""

    count: int
    mean: float
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        if not seconds:
            return cls(0, math.nan, math.nan, math.nan, math.nan, math.nan)
        return cls(
            count=len(seconds),
            mean=sum(seconds) / len(seconds),
            p50=percentile(seconds, 0.50),
            p95=percentile(seconds, 0.95),
            p99=percentile(seconds, 0.99),
            max=max(seconds),
        )

    def as_milliseconds(self) -> dict[str, float | int | None]:
        """The figures in ms for the JSON report (None where there was no turn)."""
        return {
            name: value
            if name == "count"
            else (None if math.isnan(value) else round(value * 1000, 1))
            for name, value in asdict(self).items()
        }

"""Mean and percentiles of whole-number durations from their histogram (value → count).

The percentile is SQL's `percentile_cont`: linear interpolation between the two nearest
ranks, so a database without that function (SQLite) gives the same figure as PostgreSQL.
"""

from __future__ import annotations

import math
from collections.abc import Mapping


def value_at_rank(histogram: Mapping[int, int], rank: int) -> int:
    """The `rank`-th smallest value (0-based) of the values the histogram counts."""
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if rank < seen:
            return value
    raise IndexError(f"rank {rank} beyond the {seen} values counted")


def percentile_cont(histogram: Mapping[int, int], fraction: float) -> float | None:
    """The `fraction` percentile (0..1) of the counted values; None when there are none."""
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be between 0 and 1")
    total = sum(histogram.values())
    if total == 0:
        return None
    position = fraction * (total - 1)
    below, above = math.floor(position), math.ceil(position)
    low, high = value_at_rank(histogram, below), value_at_rank(histogram, above)
    return low + (high - low) * (position - below)


def mean(histogram: Mapping[int, int]) -> float | None:
    """The mean of the counted values; None when there are none."""
    total = sum(histogram.values())
    if total == 0:
        return None
    return sum(value * count for value, count in histogram.items()) / total

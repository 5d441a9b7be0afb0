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


@dataclass(frozen=True)
class Added:
    """What the gateway adds to Rasa direct at one level, from rounds run in turn (gateway,
    Rasa, gateway, …): the machine's speed drifts within minutes, a round's two phases
    share the drift, so each round's ratio is compared, not one phase with another."""

    ratios: tuple[float, ...]  # each round's p50 through the gateway / p50 of Rasa direct
    gateway_p50: float  # all the rounds' turns pooled, in seconds
    rasa_p50: float

    @classmethod
    def of(cls, gateway: Sequence[Sequence[float]], rasa: Sequence[Sequence[float]]) -> Added:
        """From each round's turn times, the rounds in order; unpaired rounds are left out."""
        rounds = list(zip(gateway, rasa, strict=False))
        ratios = tuple(
            percentile(through, 0.5) / percentile(direct, 0.5)
            for through, direct in rounds
            if through and direct
        )
        return cls(
            ratios,
            percentile([turn for through, _ in rounds for turn in through], 0.5),
            percentile([turn for _, direct in rounds for turn in direct], 0.5),
        )

    @property
    def median_share(self) -> float:
        """The median round's share added (0.08: the gateway adds 8 %); NaN without rounds."""
        return percentile(self.ratios, 0.5) - 1.0 if self.ratios else math.nan

    @property
    def pooled_share(self) -> float:
        return self.gateway_p50 / self.rasa_p50 - 1.0


@dataclass(frozen=True)
class Paired:
    """What the gateway adds, from pairs of turn times: the same step of a conversation
    through the gateway and with Rasa direct, one right after the other (seconds)."""

    count: int
    gateway_p50: float
    rasa_p50: float
    median_ratio: float  # of each pair's gateway time / Rasa direct time
    median_difference: float  # of each pair's gateway time - Rasa direct time

    @classmethod
    def of(cls, pairs: Sequence[tuple[float, float]]) -> Paired:
        kept = [(through, direct) for through, direct in pairs if direct > 0]
        return cls(
            count=len(kept),
            gateway_p50=percentile([through for through, _ in kept], 0.5),
            rasa_p50=percentile([direct for _, direct in kept], 0.5),
            median_ratio=percentile([through / direct for through, direct in kept], 0.5),
            median_difference=percentile([through - direct for through, direct in kept], 0.5),
        )

    @property
    def p50_share(self) -> float:
        """The share the gateway adds to the p50 (0.08: 8 %); NaN without pairs."""
        return self.gateway_p50 / self.rasa_p50 - 1.0 if self.count else math.nan

    @property
    def median_share(self) -> float:
        """The median pair's share added; NaN without pairs."""
        return self.median_ratio - 1.0 if self.count else math.nan

    def as_dict(self) -> dict[str, float | int | None]:
        def rounded(value: float, digits: int) -> float | None:
            return None if math.isnan(value) else round(value, digits)

        return {
            "pairs": self.count,
            "gateway_p50_ms": rounded(self.gateway_p50 * 1000, 2),
            "rasa_p50_ms": rounded(self.rasa_p50 * 1000, 2),
            "p50_share": rounded(self.p50_share, 4),
            "median_pair_ratio": rounded(self.median_ratio, 4),
            "median_pair_difference_ms": rounded(self.median_difference * 1000, 2),
        }

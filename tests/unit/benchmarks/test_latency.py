"""Percentiles of turn times as the load benchmark reports them."""

from __future__ import annotations

import math

import pytest

from benchmarks.latency import Added, Latency, Paired, percentile


def test_the_median_of_an_even_count_lies_between_the_middle_two() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5


def test_a_percentile_interpolates_between_the_closest_ranks_as_numpy_does() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 0.95) == pytest.approx(95.05)
    assert percentile(values, 0.99) == pytest.approx(99.01)


def test_the_extremes_are_the_smallest_and_the_largest_value() -> None:
    assert percentile([3.0, 7.0, 5.0], 0.0) == 3.0
    assert percentile([3.0, 7.0, 5.0], 1.0) == 7.0


def test_one_value_is_every_percentile() -> None:
    assert percentile([0.2], 0.5) == percentile([0.2], 0.99) == 0.2


def test_no_values_have_no_percentile() -> None:
    assert math.isnan(percentile([], 0.5))


def test_a_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1.0], 95)


def test_the_summary_is_reported_in_milliseconds() -> None:
    summary = Latency.of([0.010, 0.020, 0.030, 0.040, 1.0])
    assert summary.as_milliseconds() == {
        "count": 5,
        "mean": 220.0,
        "p50": 30.0,
        "p95": 808.0,
        "p99": 961.6,
        "max": 1000.0,
    }


def test_a_phase_without_turns_reports_no_figures_rather_than_zero() -> None:
    assert Latency.of([]).as_milliseconds() == {
        "count": 0,
        "mean": None,
        "p50": None,
        "p95": None,
        "p99": None,
        "max": None,
    }


def test_what_the_gateway_adds_is_the_median_of_each_rounds_ratio() -> None:
    # The machine slows down in the second round: both targets' phases with it.
    gateway = [[0.011, 0.011, 0.011], [0.022, 0.022], [0.0105]]
    rasa = [[0.010, 0.010], [0.020, 0.020, 0.020], [0.010]]

    added = Added.of(gateway, rasa)

    assert added.ratios == pytest.approx((1.1, 1.1, 1.05))
    assert added.median_share == pytest.approx(0.10)
    assert added.gateway_p50 == pytest.approx(0.011)
    assert added.rasa_p50 == pytest.approx(0.015)  # pooled, the drift weighs in
    assert added.pooled_share == pytest.approx(0.011 / 0.015 - 1)


def test_a_round_without_its_pair_or_without_turns_is_left_out() -> None:
    added = Added.of([[0.012], [], [0.5]], [[0.010], [0.010]])

    assert added.ratios == pytest.approx((1.2,))
    assert added.median_share == pytest.approx(0.2)


def test_no_rounds_add_nothing_known() -> None:
    assert math.isnan(Added.of([], []).median_share)


def test_pairs_give_both_medians_and_what_the_median_pair_adds() -> None:
    pairs = [(0.033, 0.030), (0.022, 0.020), (0.0105, 0.010), (0.066, 0.060), (0.044, 0.040)]

    paired = Paired.of(pairs)

    assert paired.count == 5
    assert paired.gateway_p50 == pytest.approx(0.033) and paired.rasa_p50 == pytest.approx(0.030)
    assert paired.p50_share == pytest.approx(0.10)
    assert paired.median_ratio == pytest.approx(1.10)
    assert paired.median_difference == pytest.approx(0.003)
    assert paired.as_dict()["median_pair_difference_ms"] == 3.0


def test_no_pairs_is_no_figure_rather_than_a_division_by_zero() -> None:
    paired = Paired.of([])
    assert paired.count == 0 and math.isnan(paired.p50_share) and math.isnan(paired.median_share)
    assert paired.as_dict()["p50_share"] is None

"""Mean and percentiles from a histogram agree with the same figures over the raw values."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.reports.percentiles import mean, percentile_cont


def test_the_90th_percentile_interpolates_between_the_two_nearest_ranks() -> None:
    # Ten values: rank 0.9 * 9 = 8.1 lies between the 9th (8) and the 10th (18) value.
    histogram = Counter([1, 2, 3, 4, 5, 6, 7, 8, 8, 18])

    assert percentile_cont(histogram, 0.9) == pytest.approx(9.0)


def test_no_values_give_no_mean_and_no_percentile() -> None:
    assert mean({}) is None
    assert percentile_cont({}, 0.9) is None
    assert percentile_cont({3: 0}, 0.9) is None


def test_one_value_is_its_own_percentile() -> None:
    assert percentile_cont({4: 1}, 0.9) == 4


def test_a_fraction_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="fraction"):
        percentile_cont({1: 1}, 90)


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=200))
def test_figures_from_the_histogram_equal_those_over_the_raw_values(values: list[int]) -> None:
    histogram = Counter(values)

    expected_p90 = statistics.quantiles(values, n=10, method="inclusive")[-1]
    assert percentile_cont(histogram, 0.9) == pytest.approx(expected_p90)
    assert mean(histogram) == pytest.approx(statistics.fmean(values))

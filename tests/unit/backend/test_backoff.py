"""A server that keeps dying is restarted after ever longer pauses; a stable one starts afresh."""

from __future__ import annotations

import pytest

from backend.backoff import Backoff


def test_a_server_that_keeps_dying_at_once_waits_twice_as_long_each_time_up_to_30_s() -> None:
    backoff = Backoff()

    pauses = [backoff.pause_after(ran_for=0.5) for _ in range(8)]

    assert pauses == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_server_that_ran_stably_before_it_died_is_restarted_after_the_first_short_pause() -> None:
    backoff = Backoff(stable_after=60)
    for _ in range(5):
        backoff.pause_after(ran_for=1)

    assert backoff.pause_after(ran_for=61) == 1
    assert backoff.pause_after(ran_for=2) == 2, "and climbs again if it then keeps dying"


def test_a_run_shorter_than_the_stable_time_keeps_the_pauses_growing() -> None:
    backoff = Backoff(stable_after=60)
    backoff.pause_after(ran_for=59)

    assert backoff.pause_after(ran_for=59) == 2


def test_every_process_climbs_its_own_ladder() -> None:
    rasa, app = Backoff(), Backoff()
    rasa.pause_after(0)
    rasa.pause_after(0)

    assert app.pause_after(0) == 1


@pytest.mark.parametrize("settings", [{"first": 0}, {"first": 40, "cap": 30}, {"factor": 0.5}])
def test_a_backoff_that_would_not_back_off_is_refused(settings: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="backoff"):
        Backoff(**settings)

"""The flame summary of py-spy's collapsed stacks: the heaviest frames, inclusive and self."""

from __future__ import annotations

import pytest

from benchmarks.flame import (
    NO_FRAME,
    frame_name,
    is_idle,
    parse_collapsed,
    render,
    summarise,
    working,
)

SITE = "/srv/.venv/lib/python3.10/site-packages"
MAIN = f"<module> ({SITE}/rasa/__main__.py:9)"
HANDLE = f"{MAIN};handle ({SITE}/rasa/core/processor.py"
PROFILE = (
    f"{HANDLE}:88);predict ({SITE}/rasa/core/policies/ted.py:120) 60\n"
    f"{HANDLE}:90);run_action ({SITE}/rasa/core/actions/action.py:700) 30\n"
    f"{MAIN};select (/usr/lib/python3.10/selectors.py:469) 8\n"
    " 2\n"
)


def test_each_line_is_a_stack_root_first_and_its_samples() -> None:
    stacks = parse_collapsed(PROFILE)
    assert [samples for _, samples in stacks] == [60, 30, 8, 2]
    assert stacks[0][0][-1].startswith("predict (")
    assert stacks[3] == ((), 2)


def test_the_process_frame_of_subprocess_profiles_is_left_out() -> None:
    stacks = parse_collapsed('process 42:"python -m rasa_sdk";main (a.py:1);work (a.py:5) 7\n')
    assert stacks == [(("main (a.py:1)", "work (a.py:5)"), 7)]


def test_a_process_frame_whose_command_line_holds_semicolons_is_left_out_whole() -> None:
    line = 'process 7:"python -c from m import f; f(fd=6) --fork";run (p.py:3);work (w.py:9) 4'
    assert parse_collapsed(line) == [(("run (p.py:3)", "work (w.py:9)"), 4)]


def test_the_parents_process_frame_before_a_childs_is_left_out_too() -> None:
    line = 'process 6:"python -m server";process 7:"python -c a; b";serve (s.py:1) 2'
    assert parse_collapsed(line) == [(("serve (s.py:1)",), 2)]


def test_a_malformed_line_is_skipped() -> None:
    assert parse_collapsed("no count here\n\nmain (a.py:1) 3\n") == [(("main (a.py:1)",), 3)]


@pytest.mark.parametrize(
    ("frame", "name"),
    [
        ("handle (/x/lib/python3.10/site-packages/sanic/app.py:88)", "handle (sanic/app.py)"),
        ("select (/usr/lib/python3.11/selectors.py:469)", "select (selectors.py)"),
        ("answer (bot/intake.py:12)", "answer (bot/intake.py)"),
        ("<native>", "<native>"),
    ],
)
def test_a_frame_is_named_by_function_and_short_path_without_its_line(
    frame: str, name: str
) -> None:
    assert frame_name(frame) == name


def test_inclusive_share_counts_every_frame_on_the_stack_and_self_the_innermost() -> None:
    summary = summarise(parse_collapsed(PROFILE))
    inclusive = {s.frame: (s.samples, s.share) for s in summary.inclusive}
    own = {s.frame: s.samples for s in summary.self}
    assert summary.samples == 100
    assert inclusive["<module> (rasa/__main__.py)"] == (98, 0.98)
    assert inclusive["handle (rasa/core/processor.py)"] == (90, 0.9), "two lines, one function"
    assert own == {
        "predict (rasa/core/policies/ted.py)": 60,
        "run_action (rasa/core/actions/action.py)": 30,
        "select (selectors.py)": 8,
        NO_FRAME: 2,
    }
    assert [s.frame for s in summary.self][:2] == [
        "predict (rasa/core/policies/ted.py)",
        "run_action (rasa/core/actions/action.py)",
    ]


def test_a_recursive_function_counts_once_per_sample() -> None:
    summary = summarise([(("walk (t.py:1)", "walk (t.py:2)", "walk (t.py:3)"), 5)])
    assert [(s.frame, s.samples, s.share) for s in summary.inclusive] == [("walk (t.py)", 5, 1.0)]


def test_only_the_top_frames_are_kept() -> None:
    stacks = [((f"f{n} (m.py:1)",), n) for n in range(1, 41)]
    summary = summarise(stacks, top=25)
    assert len(summary.inclusive) == len(summary.self) == 25
    assert summary.self[0].frame == "f40 (m.py)"


def test_an_empty_profile_has_no_frames() -> None:
    summary = summarise([])
    assert (summary.samples, summary.inclusive, summary.self) == (0, [], [])


def test_the_text_shows_percentages_heaviest_first() -> None:
    text = render("rasa", summarise(parse_collapsed(PROFILE), top=2))
    assert text.splitlines()[0] == "rasa: 100 samples"
    assert "   98.0%       98  <module> (rasa/__main__.py)" in text
    assert "   60.0%       60  predict (rasa/core/policies/ted.py)" in text


def test_a_thread_waiting_in_its_event_loop_or_queue_is_idle_and_left_out_of_the_work() -> None:
    loop = ("serve (sanic/app.py:1)", "_run_server_forever (sanic/server/runners.py:9)")
    queue = ("_bootstrap (threading.py:1)", "_connection_worker_thread (aiosqlite/core.py:5)")
    select = ("run (asyncio/base_events.py:1)", "select (/usr/lib/python3.10/selectors.py:469)")
    work = ("serve (sanic/app.py:1)", "predict (rasa/core/policies/ted.py:120)")
    assert [is_idle(stack) for stack in (loop, queue, select, work, ())] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert working([(loop, 50), (work, 7), (queue, 40)]) == [(work, 7)]

"""CPU seconds of a server and its children, from /proc/<pid>/stat."""

from __future__ import annotations

import os

from benchmarks.process_cpu import (
    StatLine,
    cpu_seconds,
    machine_busy_seconds,
    parse_machine_busy,
    parse_stat,
    self_cpu_seconds,
    tree_ticks,
)

# Fields 1-17 of a real line, with a command name holding a space and a parenthesis.
LINE = "4242 (rasa (main) x) S 4200 4242 4200 0 -1 4194560 900 0 0 0 1500 250 30 12 20 0 8 0"


def test_the_parent_and_the_ticks_are_read_after_the_command_name() -> None:
    assert parse_stat(LINE) == StatLine(ppid=4200, own_ticks=1750, children_ticks=42)


def test_a_tree_counts_the_process_its_waited_children_and_living_descendants() -> None:
    stats = {
        10: StatLine(ppid=1, own_ticks=100, children_ticks=5),
        11: StatLine(ppid=10, own_ticks=40, children_ticks=0),
        12: StatLine(ppid=11, own_ticks=2, children_ticks=0),
        20: StatLine(ppid=1, own_ticks=999, children_ticks=0),
    }
    assert tree_ticks(10, stats) == 147
    assert tree_ticks(11, stats) == 42


def test_a_process_that_is_gone_counts_nothing() -> None:
    assert tree_ticks(99, {}) == 0


def test_this_process_is_measured_and_its_cpu_grows_with_work() -> None:
    before = cpu_seconds({"me": os.getpid()})["me"]
    own_before = self_cpu_seconds()
    sum(i * i for i in range(2_000_000))
    assert cpu_seconds({"me": os.getpid()})["me"] > before
    assert self_cpu_seconds() > own_before


def test_the_machine_is_busy_for_all_but_idle_and_io_wait() -> None:
    line = "cpu  1000 20 300 50000 70 4 6 9 0 0"
    assert parse_machine_busy(line) == 1000 + 20 + 300 + 4 + 6 + 9


def test_the_machines_busy_time_grows_with_work() -> None:
    before = machine_busy_seconds()
    sum(i * i for i in range(2_000_000))
    assert machine_busy_seconds() > before

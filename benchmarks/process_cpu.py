"""CPU seconds of a process and its children, from /proc/<pid>/stat (Linux).

A process's figure is its own user + system time, the time of the children it has waited
for (cutime + cstime), and the user + system time of every descendant still running (the
action server's Sanic workers, for instance). Take it before and after a phase and
subtract. A process that is gone counts 0.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class StatLine:
    """What one /proc/<pid>/stat line says about the process's parent and CPU time."""

    ppid: int
    own_ticks: int  # utime + stime
    children_ticks: int  # cutime + cstime: children that ended and were waited for


def parse_stat(line: str) -> StatLine:
    """Read a /proc/<pid>/stat line; the command name (field 2) may hold spaces and ')'."""
    rest = line[line.rindex(")") + 2 :].split()
    # rest[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    return StatLine(
        ppid=int(rest[1]),
        own_ticks=int(rest[11]) + int(rest[12]),
        children_ticks=int(rest[13]) + int(rest[14]),
    )


def _stat(pid: int) -> StatLine | None:
    try:
        return parse_stat((PROC / str(pid) / "stat").read_text())
    except (OSError, ValueError, IndexError):
        return None


def _all_stats() -> dict[int, StatLine]:
    found = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                found[int(entry.name)] = stat
    return found


def tree_ticks(pid: int, stats: dict[int, StatLine]) -> int:
    """Ticks of `pid` (with its waited-for children) and of every living descendant."""
    if pid not in stats:
        return 0
    children: dict[int, list[int]] = {}
    for child, stat in stats.items():
        children.setdefault(stat.ppid, []).append(child)
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        stat = stats[current]
        total += stat.own_ticks + stat.children_ticks
        pending += children.get(current, [])
    return total


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each named process tree (one pass over /proc)."""
    stats = _all_stats()
    return {name: tree_ticks(pid, stats) / TICKS for name, pid in pids.items()}


def self_cpu_seconds() -> float:
    """CPU seconds so far of this process (the load generator), threads included."""
    times = os.times()
    return times.user + times.system


def parse_machine_busy(line: str) -> int:
    """Busy ticks of all CPUs from the `cpu` line of /proc/stat (idle and iowait left out).

    Fields: user nice system idle iowait irq softirq steal guest guest_nice; guest time is
    already counted in user.
    """
    fields = [int(value) for value in line.split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine used so far (to see the others' load)."""
    with (PROC / "stat").open() as stat:
        return parse_machine_busy(stat.readline()) / TICKS

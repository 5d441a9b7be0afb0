"""A flame summary of a sampling profile in the collapsed-stack format (pure, no I/O).

py-spy's `--format raw` writes one line per distinct stack, root first, then the number
of samples: `<module> (app.py:9);serve (server.py:120);handle (server.py:88) 214`. The
summary names the frames where the process spends its time: by inclusive share (the
frame is anywhere on the stack, callees counted) and by self share (the frame is the
innermost one, doing the work itself). Line numbers are dropped, so a function counts
once whichever of its lines was running, and paths are shortened to the package.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

NO_FRAME = "(no Python frame: native code or idle)"
_LINE = re.compile(r"^(?P<stack>.*?)\s*(?P<count>\d+)$")
_LINE_NUMBER = re.compile(r":\d+\)$")
# `--subprocesses` puts the process first: `process 42:"<command line>"`, and a command line
# may itself hold ";" (python -c "…; …"); a child's stacks start with its parent's frame.
_PROCESS = re.compile(r'^(process \d+(:".*?")?(;|$))+')
_PREFIXES = ("site-packages/", "dist-packages/")
# Innermost frames of a thread that waits rather than works: an event loop in its selector
# (uvloop's shows as the server's run-forever frame), aiosqlite's thread at its queue, an
# idle pool thread. py-spy takes some of them for active (a loaded machine, native code).
IDLE_LEAVES = (
    "_run_server_forever",
    "_connection_worker_thread",
    "select",
    "Condition.wait",
    "Event.wait",
    "_worker",
    "Connection._recv",
)
_STDLIB = re.compile(r"^.*/lib/python3\.\d+/")


@dataclass(frozen=True)
class Share:
    """One frame's samples and their share of all samples."""

    frame: str
    samples: int
    share: float


@dataclass(frozen=True)
class FlameSummary:
    """The heaviest frames of one profile."""

    samples: int
    inclusive: list[Share]
    self: list[Share]

    def as_dict(self) -> dict[str, object]:
        def rows(shares: list[Share]) -> list[dict[str, object]]:
            return [
                {"frame": s.frame, "samples": s.samples, "share": round(s.share, 4)} for s in shares
            ]

        return {"samples": self.samples, "inclusive": rows(self.inclusive), "self": rows(self.self)}


def parse_collapsed(text: str) -> list[tuple[tuple[str, ...], int]]:
    """(frames root first, samples) of every line; malformed lines are skipped."""
    stacks = []
    for line in text.splitlines():
        found = _LINE.match(line.strip())
        if found is None:
            continue
        stack = _PROCESS.sub("", found.group("stack"))
        frames = tuple(f for f in stack.split(";") if f)
        stacks.append((frames, int(found.group("count"))))
    return stacks


def frame_name(frame: str) -> str:
    """`handle (/x/site-packages/sanic/app.py:88)` → `handle (sanic/app.py)`."""
    name = _LINE_NUMBER.sub(")", frame.strip())
    opening = name.rfind(" (")
    if opening < 0 or not name.endswith(")"):
        return name
    function, path = name[:opening], name[opening + 2 : -1]
    for prefix in _PREFIXES:
        if prefix in path:
            path = path.rsplit(prefix, 1)[1]
            break
    else:
        path = _STDLIB.sub("", path)
    return f"{function} ({path})"


def is_idle(frames: tuple[str, ...]) -> bool:
    """Whether a stack is a thread waiting (its innermost frame is one of IDLE_LEAVES)."""
    if not frames:
        return False
    function = frame_name(frames[-1]).rsplit(" (", 1)[0]
    return function.endswith(IDLE_LEAVES)


def working(
    stacks: Iterable[tuple[tuple[str, ...], int]],
) -> list[tuple[tuple[str, ...], int]]:
    """The stacks of threads at work: those waiting (see `is_idle`) left out."""
    return [(frames, samples) for frames, samples in stacks if not is_idle(frames)]


def summarise(stacks: Iterable[tuple[tuple[str, ...], int]], top: int = 25) -> FlameSummary:
    """The `top` frames by inclusive samples and by self samples, heaviest first."""
    inclusive: Counter[str] = Counter()
    innermost: Counter[str] = Counter()
    total = 0
    for frames, samples in stacks:
        total += samples
        names = [frame_name(f) for f in frames] or [NO_FRAME]
        for name in dict.fromkeys(names):  # a recursive frame counts once per sample
            inclusive[name] += samples
        innermost[names[-1]] += samples

    def ranked(counter: Counter[str]) -> list[Share]:
        ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top]
        return [Share(frame, samples, samples / total) for frame, samples in ordered]

    return FlameSummary(
        total, ranked(inclusive) if total else [], ranked(innermost) if total else []
    )


def render(title: str, summary: FlameSummary) -> str:
    """The summary as text: two ranked lists with their shares in percent."""
    lines = [f"{title}: {summary.samples} samples"]
    for label, shares in (("inclusive", summary.inclusive), ("self", summary.self)):
        lines.append(f"  top {len(shares)} by {label} share")
        lines += [f"    {s.share * 100:5.1f}%  {s.samples:7d}  {s.frame}" for s in shares]
    return "\n".join(lines)

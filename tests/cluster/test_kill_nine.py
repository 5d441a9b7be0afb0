"""kill -9 of an app replica, the worker or a Rasa process at 20 random moments of live
turns: every message is answered exactly once, and no complaint becomes two cases."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import httpx

from backend.cluster import Cluster
from tests.cluster.support import (
    cases_of,
    eventually,
    evidence,
    intake_to_case,
    new_id,
    report,
    say_surely,
    tally,
    waiting,
)

KILLS = 20
VICTIMS = ("app-1", "app-2", "worker-1", "rasa-1", "rasa-2")
PAIRS = {"app-1": "app-2", "app-2": "app-1", "rasa-1": "rasa-2", "rasa-2": "rasa-1"}
INTAKES = 2
CHATTERS = 3
CHATTER_MESSAGES = 12


def answers(cluster: Cluster, name: str) -> bool:
    """Whether `name` runs and answers its probe (apps: /readyz, Rasa: its root)."""
    if cluster.pid(name) is None:
        return False
    if name.startswith("app-"):
        url = f"{cluster.app_url(int(name[-1]))}/readyz"
    elif name.startswith("rasa-"):
        url = f"{cluster.rasa_process_url(int(name[-1]))}/"
    else:
        return True
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def killer(cluster: Cluster, rng: random.Random, killed: list[str], done: threading.Event) -> None:
    """20 kills, 1 to 4 s apart, always leaving one app and one Rasa that answer."""
    try:
        while len(killed) < KILLS:
            time.sleep(rng.uniform(1.0, 4.0))
            candidates = [
                name
                for name in VICTIMS
                if cluster.pid(name) is not None
                and (name not in PAIRS or answers(cluster, PAIRS[name]))
            ]
            if not candidates:
                continue
            name = rng.choice(candidates)
            pid = cluster.pid(name)
            if pid is None:
                continue
            os.kill(pid, signal.SIGKILL)
            killed.append(name)
    finally:
        done.set()


def chatter(cluster: Cluster, sender: str, done: threading.Event, tries: list[str]) -> None:
    for number in range(1, CHATTER_MESSAGES + 1):
        say_surely(cluster, sender, f"halo, ini pesan {number}", tries)
        if done.is_set() and number >= 4:
            return
        time.sleep(0.5)


def test_kill_nine_at_twenty_random_moments_loses_nothing_and_duplicates_nothing(
    cluster: Cluster, record_property: Callable[[str, object], None]
) -> None:
    seed = int(os.environ.get("KILL_SEED") or random.randrange(1_000_000))
    rng = random.Random(seed)
    intakes = [new_id("kill-case") for _ in range(INTAKES)]
    chatters = [new_id("kill-chat") for _ in range(CHATTERS)]
    killed: list[str] = []
    tries: list[str] = []
    done = threading.Event()
    started = time.monotonic()

    with ThreadPoolExecutor(max_workers=INTAKES + CHATTERS + 1) as pool:
        kills = pool.submit(killer, cluster, rng, killed, done)
        customers = [pool.submit(intake_to_case, cluster, sender, tries) for sender in intakes]
        customers += [pool.submit(chatter, cluster, sender, done, tries) for sender in chatters]
        kills.result(timeout=600)
        for customer in customers:
            customer.result(timeout=600)
    for name in VICTIMS:
        eventually(partial(answers, cluster, name), timeout=180, what=f"{name} is back")
    everyone = intakes + chatters
    eventually(lambda: waiting(cluster, everyone) == 0, timeout=180, what="every turn done")

    result = tally(cluster, everyone)
    cases = {sender: len(cases_of(cluster, sender)) for sender in intakes}
    report(
        record_property,
        "kill_nine",
        **result.figures(),
        seed=seed,
        kills=len(killed),
        killed={name: killed.count(name) for name in VICTIMS},
        kill_order=killed,
        failed_requests=len(tries),
        failures=sorted(set(tries))[:10],
        cases_per_intake=list(cases.values()),
        seconds=round(time.monotonic() - started, 1),
        problems=result.problems[:10],
    )
    if result.problems:
        print("evidence:", evidence(cluster, everyone, "kill_nine"))
    assert len(killed) == KILLS
    assert result.problems == []
    assert result.lost == 0 and result.duplicated == 0
    assert list(cases.values()) == [1] * INTAKES, cases

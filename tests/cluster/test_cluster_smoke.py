"""Through HAProxy, the cluster answers from both app replicas in turn, chats, and keeps
answering while a replica is killed outright and its supervisor starts it again."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from itertools import pairwise

import httpx

from backend.cluster import Cluster


def replicas_answering(cluster: Cluster, requests: int = 6) -> list[str]:
    """Which replica answered each of `requests` readiness checks through the balancer."""
    seen = []
    for _ in range(requests):
        response = httpx.get(f"{cluster.url}/readyz", timeout=10)
        assert response.status_code == 200, response.text
        assert response.headers["X-Replica"] == response.json()["replica"]
        seen.append(response.json()["replica"])
    return seen


def say(cluster: Cluster, sender: str, message: str) -> list[dict[str, object]]:
    response = httpx.post(
        f"{cluster.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    answers = response.json()
    assert isinstance(answers, list)
    return answers


def eventually(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "it did not happen in time"
        time.sleep(0.2)


def test_the_balancer_sends_readiness_checks_to_both_replicas_in_turn(cluster: Cluster) -> None:
    seen = replicas_answering(cluster)

    assert set(seen) == {"app-1", "app-2"}
    assert all(a != b for a, b in pairwise(seen)), f"round robin: {seen}"


def test_a_chat_message_through_the_balancer_gets_the_bots_answer(cluster: Cluster) -> None:
    answers = say(cluster, "rest-smoke-1", "halo")

    assert answers, "the bot answered"
    assert any(str(answer.get("text") or "").strip() for answer in answers), answers


def test_with_a_replica_killed_the_balancer_keeps_answering_and_the_replica_comes_back(
    cluster: Cluster,
) -> None:
    old_pid = cluster.pid("app-1")
    other_pid = cluster.pid("app-2")
    assert old_pid is not None

    os.kill(old_pid, signal.SIGKILL)
    during = [httpx.get(f"{cluster.url}/readyz", timeout=10) for _ in range(10)]
    answers = say(cluster, "rest-smoke-2", "halo")

    assert [response.status_code for response in during] == [200] * 10
    assert answers, "a chat message is answered while a replica is down"
    new_pid = cluster.wait_restarted("app-1", old_pid, timeout=60)
    assert new_pid != old_pid
    assert cluster.pid("app-2") == other_pid, "the other replica ran on untouched"
    assert cluster.process("app-1").restarts == 1
    eventually(lambda: set(replicas_answering(cluster, 4)) == {"app-1", "app-2"})

"""Helpers of the cluster tests: talking to the cluster as customers and agents, reading its
database and Rasa's trackers, and counting what was sent, answered, duplicated and lost.

Every test reports its figures with `report(...)`: printed (visible under `-s`), attached
to the test as JUnit properties (`record_property`) and merged into
var/cluster-figures.json, one entry per test.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from backend.cluster import Cluster
from backend.domain.register_number import REGISTER_NUMBER_PATTERN
from backend.services.turns import delayed_notice
from backend.settings import ROOT

FIGURES_FILE = ROOT / "var" / "cluster-figures.json"
NOTICES = frozenset({delayed_notice("id"), delayed_notice("en")})
REST_TIMEOUT = 150.0

# A complaint through the intake form, by the slot the form asks for (tests/e2e/test_restarts).
FORM_ANSWERS = {
    "complainant_type": "Bukan pengguna",
    "description": "Penagih utang menelepon saya terus padahal saya bukan peminjam di aplikasi ini",
    "incident_date": "kemarin",
    "loss_amount": "tidak ada",
    "priority": "Tinggi",
    "full_name": "Siti Rahayu",
    "contact": "siti.rahayu@example.com",
    "confirmed": "Ya",
}


# -- figures ---------------------------------------------------------------------------------


def report(record_property: Callable[[str, object], None], test: str, **figures: Any) -> None:
    """Print the test's figures, attach them to its JUnit entry, keep them in the summary file."""
    print(f"\n[figures] {test}: {json.dumps(figures, sort_keys=True)}", flush=True)
    for key, value in figures.items():
        record_property(key, value)
    FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        summary = json.loads(FIGURES_FILE.read_text())
    except (OSError, ValueError):
        summary = {}
    summary[test] = {**figures, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    FIGURES_FILE.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")


def eventually(
    condition: Callable[[], bool], timeout: float = 60.0, every: float = 0.5, what: str = ""
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"did not happen within {timeout:.0f}s: {what}"
        time.sleep(every)


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


# -- the database ----------------------------------------------------------------------------


def query(cluster: Cluster, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of a query on the cluster's database, as dictionaries."""

    async def run() -> list[dict[str, Any]]:
        engine = create_async_engine(cluster.services.database_url)
        try:
            async with engine.connect() as connection:
                result = await connection.execute(text(sql), params)
                return [dict(row) for row in result.mappings()]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def messages(cluster: Cluster, conversation_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Every transcript line of these conversations, in id order."""
    ids = list(conversation_ids)
    if not ids:
        return []
    return query(
        cluster,
        "SELECT m.id, m.conversation_id, m.sender, m.text, m.payload, m.reply_to, i.state "
        "FROM messages m LEFT JOIN inbox i ON i.message_id = m.id "
        "WHERE m.conversation_id = ANY(:ids) ORDER BY m.id",
        ids=ids,
    )


def waiting(cluster: Cluster, conversation_ids: Iterable[str]) -> int:
    """User messages of these conversations whose turn is not done."""
    rows = query(
        cluster,
        "SELECT count(*) AS n FROM inbox WHERE conversation_id = ANY(:ids) AND state <> 'done'",
        ids=list(conversation_ids),
    )
    return int(rows[0]["n"])


def cases_of(cluster: Cluster, conversation_id: str) -> list[dict[str, Any]]:
    """The conversation's cases, through the case API (via the balancer)."""
    response = httpx.get(
        f"{cluster.url}/api/cases",
        params={"conversation_id": conversation_id},
        headers={"Authorization": f"Bearer {cluster.settings.app_api_token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert isinstance(items, list)
    return items


# -- Rasa ------------------------------------------------------------------------------------


def tracker(cluster: Cluster, conversation_id: str) -> dict[str, Any]:
    for attempt in range(20):
        try:
            response = httpx.get(
                f"{cluster.rasa_url}/conversations/{conversation_id}/tracker",
                params={"token": cluster.settings.rasa_auth_token, "include_events": "ALL"},
                timeout=30,
            )
            if response.status_code == 200:
                found = response.json()
                assert isinstance(found, dict)
                return found
        except httpx.HTTPError:
            pass
        time.sleep(min(5.0, 0.5 * (attempt + 1)))
    raise AssertionError(f"Rasa's tracker of {conversation_id} could not be read")


def requested_slot(cluster: Cluster, conversation_id: str) -> str | None:
    slot = tracker(cluster, conversation_id)["slots"].get("requested_slot")
    return str(slot) if slot else None


def tracker_turns(events: list[dict[str, Any]]) -> list[tuple[int | None, int]]:
    """Each user event's `message_id` and the number of bot events up to the next user event."""
    turns: list[tuple[int | None, int]] = []
    for event in events:
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            turns.append((metadata.get("message_id"), 0))
        elif event.get("event") == "bot" and turns:
            message_id, count = turns[-1]
            turns[-1] = (message_id, count + 1)
    return turns


# -- what was answered -----------------------------------------------------------------------


@dataclass
class Tally:
    """Sent, answered, duplicated, lost, over some conversations (from the database and Rasa)."""

    sent: int = 0
    answered: int = 0
    duplicated: int = 0
    lost: int = 0
    out_of_order: int = 0
    notices: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        return {
            "messages_sent": self.sent,
            "answered": self.answered,
            "duplicated": self.duplicated,
            "lost": self.lost,
            "out_of_order": self.out_of_order,
        }


def tally(cluster: Cluster, conversation_ids: Iterable[str]) -> Tally:
    """Every user message answered exactly once, in order, in the transcript and in Rasa?

    A message is answered when its turn is done and the bot's answers to it (`reply_to`,
    the "answer follows" notices aside) are in the transcript; duplicated when Rasa got it
    more than once or the transcript holds more answers to it than Rasa gave; out of order
    when Rasa's user events are not the transcript's user messages in order.
    """
    ids = list(conversation_ids)
    rows = messages(cluster, ids)
    result = Tally()
    for conversation_id in ids:
        lines = [row for row in rows if row["conversation_id"] == conversation_id]
        users = [row for row in lines if row["sender"] == "user"]
        result.sent += len(users)
        result.notices[conversation_id] = sum(
            1 for row in lines if row["sender"] == "bot" and row["text"] in NOTICES
        )
        turns = tracker_turns(tracker(cluster, conversation_id)["events"])
        in_rasa = [message_id for message_id, _ in turns if message_id is not None]
        bot_events: dict[int, int] = {}
        for message_id, count in turns:
            if message_id is not None:
                bot_events[message_id] = bot_events.get(message_id, 0) + count
        expected_order = [row["id"] for row in users if row["id"] in set(in_rasa)]
        if in_rasa != expected_order:
            result.out_of_order += 1
            result.problems.append(
                f"{conversation_id}: Rasa {in_rasa} ≠ transcript {expected_order}"
            )
        for user in users:
            answers = [
                row
                for row in lines
                if row["sender"] == "bot"
                and row["reply_to"] == user["id"]
                and row["text"] not in NOTICES
            ]
            seen = in_rasa.count(user["id"])
            if seen > 1 or len(answers) > max(1, bot_events.get(user["id"], 0)):
                result.duplicated += 1
                result.problems.append(
                    f"{conversation_id} #{user['id']} {user['text']!r}: Rasa saw it {seen}x, "
                    f"{len(answers)} answers in the transcript for "
                    f"{bot_events.get(user['id'], 0)} in Rasa"
                )
            if user["state"] == "done" and seen >= 1 and answers:
                result.answered += 1
            else:
                result.lost += 1
                result.problems.append(
                    f"{conversation_id} #{user['id']} {user['text']!r}: state {user['state']}, "
                    f"Rasa saw it {seen}x, {len(answers)} answers"
                )
        # The bot's answers go out in the order of the messages they answer.
        replies = [
            row["reply_to"]
            for row in lines
            if row["sender"] == "bot" and row["reply_to"] is not None and row["text"] not in NOTICES
        ]
        if replies != sorted(replies):
            result.out_of_order += 1
            result.problems.append(f"{conversation_id}: answers in the order {replies}")
    return result


# -- customers -------------------------------------------------------------------------------


def say(
    base_url: str, sender: str, message: str, timeout: float = REST_TIMEOUT
) -> list[dict[str, Any]]:
    """One REST message; the bot's answers (or the notice that they follow)."""
    response = httpx.post(
        f"{base_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=timeout,
    )
    assert response.status_code == 200, f"{response.status_code}: {response.text}"
    answers = response.json()
    assert isinstance(answers, list)
    return answers


def buttons(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [button for answer in answers for button in answer.get("buttons") or []]


def form_reply(answers: list[dict[str, Any]], wanted: str) -> str:
    """The payload of the button titled like `wanted`, else `wanted` itself (typed)."""
    for button in buttons(answers):
        if wanted.lower() in str(button.get("title", "")).lower():
            return str(button["payload"])
    return wanted


def has_register_number(answers: list[dict[str, Any]]) -> bool:
    return any(re.search(REGISTER_NUMBER_PATTERN, str(a.get("text") or "")) for a in answers)


def to_confirmation(cluster: Cluster, base_url: str, sender: str) -> list[dict[str, Any]]:
    """Drive a REST complaint through the form up to its summary; the summary's answers."""
    answers = say(base_url, sender, "halo")
    answers = say(base_url, sender, "saya mau mengadu")
    for _ in range(15):
        slot = requested_slot(cluster, sender)
        assert slot in FORM_ANSWERS, f"unexpected question {slot!r}: {answers}"
        if slot == "confirmed":
            return answers
        answers = say(base_url, sender, form_reply(answers, FORM_ANSWERS[slot]))
    raise AssertionError(f"the form never reached its summary: {answers}")


# -- agents ----------------------------------------------------------------------------------


def create_supervisor(cluster: Cluster, username: str, name: str, password: str) -> None:
    """`python -m backend.cli create-supervisor` against the cluster's database."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "backend.cli",
            "create-supervisor",
            "--username",
            username,
            "--name",
            name,
        ],
        input=password + "\n",
        capture_output=True,
        text=True,
        cwd=cluster.root,
        env=cluster.supervisor.env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


class Console:
    """An agent signed in to the console of one replica."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=60, follow_redirects=False)
        form = self.client.get("/console/login")
        assert form.status_code == 200, form.text
        login_csrf = _hidden(form.text, "csrf_token")
        signed = self.client.post(
            "/console/login",
            data={"username": username, "password": password, "csrf_token": login_csrf},
        )
        assert signed.status_code == 303, signed.text
        page = self.client.get("/console", headers={"Accept": "text/html"}, follow_redirects=True)
        assert page.status_code == 200, page.text
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
        assert found, "the console page carries the session's CSRF token"
        self.csrf = found.group(1)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.post(path, headers={"X-CSRF-Token": self.csrf}, **kwargs)

    def take_over(self, conversation_id: str) -> None:
        response = self.post(f"/console/conversations/{conversation_id}/take-over")
        assert response.status_code == 303, response.text

    def reply(self, conversation_id: str, message: str) -> None:
        response = self.post(
            f"/console/conversations/{conversation_id}/reply", json={"text": message}
        )
        assert response.status_code == 200, response.text

    def close(self) -> None:
        self.client.close()


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found, f"no hidden {name} field"
    return found.group(1)


def ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://", 1) + "/webhooks/web/socket"

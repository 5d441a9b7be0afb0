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
from tests.fakes.payloads import whatsapp_body, whatsapp_signature
from tests.fakes.platforms import (
    TELEGRAM_WEBHOOK_SECRET,
    WHATSAPP_APP_SECRET,
    Call,
    FakeGraph,
    FakeTelegram,
)

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
    when Rasa's user events (each first one) are not the transcript's user messages in order,
    or the bot's answers are not in the order of the messages they answer. Every problem is
    described in `problems`.
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
        if list(dict.fromkeys(in_rasa)) != expected_order:  # a message seen twice: duplicated
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


def answers_to(cluster: Cluster, message_id: int) -> list[dict[str, Any]]:
    """The bot's answers to a user message, from the transcript (Rasa's REST shape)."""
    rows = query(
        cluster,
        "SELECT text, payload FROM messages WHERE reply_to = :id AND sender = 'bot' ORDER BY id",
        id=message_id,
    )
    return [
        dict(row["payload"]) if isinstance(row["payload"], dict) else {"text": row["text"]}
        for row in rows
        if row["text"] not in NOTICES
    ]


def last_user_message(cluster: Cluster, sender: str) -> int:
    rows = query(
        cluster,
        "SELECT coalesce(max(id), 0) AS id FROM messages "
        "WHERE conversation_id = :sender AND sender = 'user'",
        sender=sender,
    )
    return int(rows[0]["id"])


def say_surely(
    cluster: Cluster, sender: str, message: str, tries: list[str] | None = None
) -> list[dict[str, Any]]:
    """A REST message that reaches the bot whatever dies meanwhile; the bot's answers.

    A request that fails is sent again only when the message was not stored; when it was
    stored (or the answer was the notice that it follows), its answers are read from the
    transcript once its turn is done, as a REST client would pull them.
    """
    for _ in range(30):
        before = last_user_message(cluster, sender)
        try:
            answers = say(cluster.url, sender, message, timeout=REST_TIMEOUT)
            if answers and all(a.get("text") not in NOTICES for a in answers):
                return answers
            failure = "the answer follows"
        except (httpx.HTTPError, AssertionError) as exc:
            failure = f"{exc.__class__.__name__}: {str(exc)[:80]}"
        if tries is not None:
            tries.append(failure)
        stored = query(
            cluster,
            "SELECT id FROM messages WHERE conversation_id = :sender AND sender = 'user' "
            "AND id > :before AND text = :text ORDER BY id LIMIT 1",
            sender=sender,
            before=before,
            text=message,
        )
        if not stored:
            time.sleep(1.0)
            continue
        message_id = int(stored[0]["id"])

        def turn_done(message_id: int = message_id) -> bool:
            return not query(
                cluster,
                "SELECT 1 FROM inbox WHERE message_id = :id AND state <> 'done'",
                id=message_id,
            )

        eventually(turn_done, timeout=240, every=1.0, what=f"the turn of message {message_id}")
        return answers_to(cluster, message_id)
    raise AssertionError(f"{message!r} could not be sent to {sender}")


def intake_to_case(cluster: Cluster, sender: str, tries: list[str] | None = None) -> None:
    """A complaint through the form to its confirmation, whatever dies meanwhile."""
    answers = say_surely(cluster, sender, "halo", tries)
    answers = say_surely(cluster, sender, "saya mau mengadu", tries)
    for _ in range(20):
        if has_register_number(answers):
            return
        slot = requested_slot(cluster, sender)
        if slot is None and cases_of(cluster, sender):
            return
        assert slot in FORM_ANSWERS, f"unexpected question {slot!r}: {answers}"
        answers = say_surely(cluster, sender, form_reply(answers, FORM_ANSWERS[slot]), tries)
    raise AssertionError(f"the complaint of {sender} did not reach its case: {answers}")


# -- the messaging platforms -----------------------------------------------------------------


class Outage:
    """Mixed into a fake platform: its sending calls answer 500 until `until` (monotonic)."""

    SENDING = frozenset({"sendMessage", "sendPhoto", "messages"})
    until = 0.0
    refused = 0  # calls answered 500 (they are not among `calls`)

    def down_for(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    def _handle(self, call: Call) -> tuple[int, Any]:
        self.parse(call)  # type: ignore[attr-defined]
        if call.name in self.SENDING and time.monotonic() < self.until:
            self.refused += 1
            return 500, self.failure_body(500)  # type: ignore[attr-defined]
        handled: tuple[int, Any] = super()._handle(call)  # type: ignore[misc]
        return handled


class OutageTelegram(Outage, FakeTelegram):
    """The fake Bot API, which can be down a while for sending."""


class OutageGraph(Outage, FakeGraph):
    """The fake Graph API, which can be down a while for sending."""


def telegram_update(base_url: str, update: dict[str, Any]) -> None:
    response = httpx.post(
        f"{base_url}/webhooks/telegram",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_WEBHOOK_SECRET},
        timeout=30,
    )
    assert response.status_code == 200, response.text


def whatsapp_delivery_post(base_url: str, payload: dict[str, Any]) -> None:
    body = whatsapp_body(payload)
    response = httpx.post(
        f"{base_url}/webhooks/whatsapp",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": whatsapp_signature(WHATSAPP_APP_SECRET, body),
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text


def telegram_sent(telegram: FakeTelegram, chat_id: int) -> list[str]:
    """The texts the Bot API accepted for a chat, oldest first."""
    return [
        str(call.params.get("text"))
        for call in telegram.named("sendMessage")
        if str(call.params.get("chat_id")) == str(chat_id)
    ]


def whatsapp_sent(graph: FakeGraph, wa_id: str) -> list[str]:
    """The texts the Graph API accepted for a number, oldest first."""
    texts = []
    for call in graph.named("messages"):
        if call.params.get("to") != wa_id:
            continue
        body = call.params
        text = (body.get("text") or {}).get("body") or (
            (body.get("interactive") or {}).get("body") or {}
        ).get("text")
        texts.append(str(text))
    return texts


def evidence(cluster: Cluster, conversation_ids: Iterable[str], name: str) -> str:
    """Write what the transcript, the inbox and Rasa hold for these conversations (and the
    servers' logs) under var/cluster-evidence/<name>/, for a failed test; that directory."""
    target = ROOT / "var" / "cluster-evidence" / name
    target.mkdir(parents=True, exist_ok=True)
    found: dict[str, Any] = {}
    for conversation_id in conversation_ids:
        rows = query(
            cluster,
            "SELECT m.id, m.sender, m.text, m.reply_to, m.created_at, i.state, i.attempts, "
            "i.received_at, i.answered_at FROM messages m LEFT JOIN inbox i "
            "ON i.message_id = m.id WHERE m.conversation_id = :id ORDER BY m.id",
            id=conversation_id,
        )
        events = tracker(cluster, conversation_id)["events"]
        found[conversation_id] = {
            "transcript": [{key: str(value) for key, value in row.items()} for row in rows],
            "rasa": [
                {
                    "event": event.get("event"),
                    "name": event.get("name"),
                    "text": event.get("text"),
                    "message_id": (event.get("metadata") or {}).get("message_id"),
                    "at": event.get("timestamp"),
                }
                for event in events
                if event.get("event") in ("user", "bot", "action", "active_loop", "slot")
            ],
        }
    (target / "conversations.json").write_text(json.dumps(found, indent=2, default=str))
    for process in cluster.processes:
        if process.log_path.exists():
            (target / process.log_path.name).write_bytes(process.log_path.read_bytes())
    return str(target)

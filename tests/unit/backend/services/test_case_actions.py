"""The table of case actions: the API's names and fields, the notices, one use case each."""

from datetime import UTC, datetime
from typing import Any

import pytest

from backend.db.tables import CaseRecord
from backend.domain.calendar import WorkingCalendar
from backend.institutions import load_profile
from backend.services import case_actions
from backend.services.case_actions import CASE_ACTIONS, Acting, Action, UnknownAction
from backend.services.conversations import ConversationNotFound

ACTING = Acting(
    "rina", load_profile("kreditpro"), WorkingCalendar(), datetime(2026, 11, 23, tzinfo=UTC)
)


class Recorder:
    """A use case that records how it was called."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    async def __call__(self, session: Any, number: str, *values: Any, **context: Any) -> Any:
        self.calls.append((session, number, values, context))
        return "case"


class Chats:
    """A live chat that keeps what it was asked to deliver."""

    def __init__(self, *, gone: bool = False) -> None:
        self.delivered: list[dict[str, Any]] = []
        self.gone = gone

    async def deliver(self, conversation_id: str, answers: Any, *, sender: str, by: Any = None):
        if self.gone:
            raise ConversationNotFound(conversation_id)
        self.delivered.append({"to": conversation_id, "answers": answers, "sender": sender})
        return True


def test_the_actions_are_the_case_api_s_with_its_fields():
    assert {name: action.fields for name, action in CASE_ACTIONS.items()} == {
        "transitions": ("status",),
        "reject": ("ground", "reason"),
        "extend": ("notice",),
        "resolve": ("response",),
        "request-documents": ("documents",),
        "assign": ("officer",),
    }


def test_the_actions_that_answer_the_customer_tell_them():
    notices = {name: action.notice for name, action in CASE_ACTIONS.items() if action.notice}

    assert notices == {
        "reject": "rejected",
        "extend": "extended",
        "resolve": "resolved",
        "request-documents": "documents_requested",
    }


def test_an_unknown_action_is_not_found():
    with pytest.raises(UnknownAction) as missing:
        case_actions.action_named("status")

    assert missing.value.status == 404


async def test_an_action_passes_its_fields_in_order_and_only_the_context_it_needs():
    use_case = Recorder()
    action = Action("reject", ("ground", "reason"), use_case, needs=("calendar",))
    form = {"reason": "Bukan layanan kami.", "ground": "unrelated_to_service", "other": "x"}

    assert await case_actions.act("session", action, "KP-1", form, ACTING) == "case"
    [(session, number, values, context)] = use_case.calls
    assert (session, number) == ("session", "KP-1")
    assert values == ("unrelated_to_service", "Bukan layanan kami.")
    assert context == {"actor": "rina", "now": ACTING.now, "calendar": ACTING.calendar}


async def test_a_missing_field_reaches_the_use_case_as_none_for_it_to_refuse():
    use_case = Recorder()

    await case_actions.act("s", Action("resolve", ("response",), use_case), "KP-1", {}, ACTING)

    assert use_case.calls[0][2] == (None,)


def resolved_case(conversation_id: str | None) -> CaseRecord:
    return CaseRecord(
        register_number="KP-2611-000017",
        conversation_id=conversation_id,
        resolution_response="Dana sudah kami kembalikan.",
    )


async def test_the_customer_gets_the_notice_in_their_chat_as_from_an_agent():
    chats = Chats()

    sent = await case_actions.tell_customer(
        resolved_case("budi"), CASE_ACTIONS["resolve"], chats, institution="KreditPro"
    )

    [delivery] = chats.delivered
    assert sent is True
    assert (delivery["to"], delivery["sender"]) == ("budi", "agent")
    assert "Dana sudah kami kembalikan." in delivery["answers"][0]["text"]


@pytest.mark.parametrize(
    ("action", "conversation_id", "chats"),
    [
        ("assign", "budi", Chats()),
        ("resolve", None, Chats()),
        ("resolve", "budi", Chats(gone=True)),
    ],
)
async def test_no_notice_is_sent_without_one_to_send_or_a_chat_to_send_it_to(
    action, conversation_id, chats
):
    sent = await case_actions.tell_customer(
        resolved_case(conversation_id), CASE_ACTIONS[action], chats, institution="KreditPro"
    )

    assert sent is None and chats.delivered == []

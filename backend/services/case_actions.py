"""The officer's actions on a case: one table that the case API and the console both read.

An action has the name of its route (`…/cases/<register number>/<name>`), the fields it reads
(from the JSON body or the form), the use case it runs, and the notice the customer gets in
their chat, if any (`case_notices.yml`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.tables import Agent, CaseRecord
from backend.domain.calendar import WorkingCalendar
from backend.domain.policy import InstitutionProfile
from backend.domain.refusal import NotFound
from backend.services.case_notices import case_notice
from backend.services.conversations import ConversationNotFound
from backend.services.handling import (
    assign,
    extend,
    reject,
    request_documents,
    resolve,
    transition,
)
from backend.services.ports import ChatDelivery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Acting:
    """Who acts, and what an action may need: the institution's policy, its calendar, the time."""

    actor: str
    profile: InstitutionProfile
    calendar: WorkingCalendar
    now: datetime


@dataclass(frozen=True)
class Action:
    """One action: its route's name, the fields it reads (in order), its use case, its notice.

    The use case takes the fields' values, then `actor` and `now`, and of the institution's
    policy and calendar what `needs` names.
    """

    name: str
    fields: tuple[str, ...]
    perform: Callable[..., Awaitable[CaseRecord]]
    needs: tuple[str, ...] = ()
    notice: str | None = None


class UnknownAction(NotFound):
    """No action has this name."""

    what = "action"


CASE_ACTIONS: Mapping[str, Action] = MappingProxyType(
    {
        action.name: action
        for action in (
            Action("transitions", ("status",), transition),
            Action("reject", ("ground", "reason"), reject, notice="rejected"),
            Action("extend", ("notice",), extend, ("profile", "calendar"), notice="extended"),
            Action("resolve", ("response",), resolve, ("calendar",), notice="resolved"),
            Action(
                "request-documents",
                ("documents",),
                request_documents,
                ("profile", "calendar"),
                notice="documents_requested",
            ),
            Action("assign", ("officer",), assign),
        )
    }
)


def action_named(name: str) -> Action:
    """The action of this name; UnknownAction (404) if there is none."""
    try:
        return CASE_ACTIONS[name]
    except KeyError:
        raise UnknownAction(name) from None


async def act(
    session: AsyncSession,
    action: Action,
    register_number: str,
    values: Mapping[str, Any],
    acting: Acting,
) -> CaseRecord:
    """Run the action with its fields taken from `values`; the case as it is now."""
    given = (values.get(field) for field in action.fields)
    context = {name: getattr(acting, name) for name in ("actor", "now", *action.needs)}
    return await action.perform(session, register_number, *given, **context)


async def tell_customer(
    case: CaseRecord,
    action: Action,
    chats: ChatDelivery,
    *,
    institution: str,
    by: Agent | None = None,
) -> bool | None:
    """Send the action's notice to the customer's chat: pushed or not, None when none is sent."""
    if action.notice is None or not case.conversation_id:
        return None
    text = case_notice(case, action.notice, institution=institution, language="id")
    answer = {"recipient_id": case.conversation_id, "text": text}
    try:
        return await chats.deliver(case.conversation_id, [answer], sender="agent", by=by)
    except ConversationNotFound:
        log.warning("case %s: its chat is gone; notice not sent", case.register_number)
        return None

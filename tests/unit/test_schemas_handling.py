"""Parsing the case search's query parameters and the actions' bodies."""

from datetime import date

import pytest

from backend.schemas import InvalidField
from backend.schemas_handling import CaseAction, CaseQuery


def test_an_empty_query_asks_for_the_first_page_of_everything() -> None:
    assert CaseQuery.from_args({}) == CaseQuery(limit=50, offset=0)


def test_filters_may_repeat_or_be_comma_separated() -> None:
    query = CaseQuery.from_args(
        {
            "status": ["received,in_progress", "received"],
            "priority": ["high"],
            "category": ["fraud", "debt_collection"],
            "channel": ["phone"],
            "received_from": ["2026-11-01"],
            "received_to": ["2026-11-30"],
            "due_within": ["3"],
            "overdue": ["false"],
            "limit": ["100"],
            "offset": ["200"],
        }
    )

    assert query == CaseQuery(
        statuses=("received", "in_progress"),
        priorities=("high",),
        categories=("fraud", "debt_collection"),
        channels=("phone",),
        received_from=date(2026, 11, 1),
        received_to=date(2026, 11, 30),
        due_within=3,
        overdue=False,
        limit=100,
        offset=200,
    )


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"status": ["closed"]}, "status"),
        ({"priority": ["urgent"]}, "priority"),
        ({"category": ["weather"]}, "category"),
        ({"channel": ["pigeon"]}, "channel"),
        ({"received_from": ["20-11-2026"]}, "received_from"),
        ({"received_from": ["2026-11-30"], "received_to": ["2026-11-01"]}, "received_to"),
        ({"due_within": ["-1"]}, "due_within"),
        ({"due_within": ["soon"]}, "due_within"),
        ({"overdue": ["maybe"]}, "overdue"),
        ({"limit": ["101"]}, "limit"),
        ({"limit": ["0"]}, "limit"),
        ({"offset": ["-5"]}, "offset"),
        ({"offset": ["1e3"]}, "offset"),
        ({"limit": ["٣"]}, "limit"),
        ({"conversation_id": ["a", "b"]}, "conversation_id"),
    ],
)
def test_a_bad_query_parameter_is_refused_naming_it(args: dict[str, list[str]], field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        CaseQuery.from_args(args)

    assert refused.value.field == field


@pytest.mark.parametrize("body", [{}, {"actor": ""}, {"actor": 7}, {"actor": "x" * 201}, []])
def test_an_action_needs_an_actor(body: object) -> None:
    with pytest.raises(InvalidField) as refused:
        CaseAction.from_json(body)

    assert refused.value.field in {"actor", "body"}


def test_an_action_keeps_its_actor_and_fields() -> None:
    action = CaseAction.from_json({"actor": " Budi ", "status": "in_progress"})

    assert action.actor == "Budi"
    assert action.get("status") == "in_progress"
    assert action.get("missing") is None

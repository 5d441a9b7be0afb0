"""The case API refuses control characters (C0 but tab, line feed and carriage return; DEL; C1)
in every text it stores or searches by, with 422 naming the field, never storing them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.backend.support import case_body
from tests.integration.bot.support import Gateway


def headers(gateway: Gateway) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.app.ctx.settings.app_api_token}"}


async def create(gateway: Gateway, **fields: Any) -> httpx.Response:
    """POST a valid case (no product: the running profile has its own list) with `fields`."""
    body = case_body(**{"product": None, **fields})
    return await gateway.client.post("/api/cases", json=body, headers=headers(gateway))


# Escape sequences that rewrite a terminal, a bell, DEL, C1 "next line" and "CSI".
@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("full_name", "Siti \x1b[31mRahayu"),
        ("description", "Penagih \x07 mengancam saya."),
        ("officer", "Rina\x7f Wulandari"),
        ("conversation_id", "chat-\x85-1"),
        ("email", "siti\x9b@example.co.id"),
        ("phone", "0812\x0034567890"),
    ],
)
async def test_a_new_case_with_a_control_character_is_refused_naming_the_field(
    gateway: Gateway, field: str, text: str
) -> None:
    answer = await create(gateway, **{field: text})

    assert answer.status_code == 422
    assert answer.json()["field"] == field
    listed = await gateway.client.get("/api/cases", headers=headers(gateway))
    assert listed.json()["total"] == 0


async def test_tabs_and_line_breaks_stay_welcome_in_a_description(gateway: Gateway) -> None:
    answer = await create(gateway, description="Kronologi:\r\n1.\tDitelepon\n2.\tDiancam")

    assert answer.status_code == 201, answer.text
    assert answer.json()["description"] == "Kronologi:\r\n1.\tDitelepon\n2.\tDiancam"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("reject", {"ground": "unrelated_to_service", "reason": "Bukan\x1b[2J layanan"}, "reason"),
        ("resolve", {"response": "Dana\x00 sudah dikembalikan."}, "response"),
        ("request-documents", {"documents": "Salinan\x9b KTP"}, "documents"),
        ("assign", {"officer": "Rina\x07"}, "officer"),
        ("transitions", {"status": "in_progress", "actor": "rina\x1b"}, "actor"),
    ],
)
async def test_an_officers_text_with_a_control_character_is_refused_naming_the_field(
    gateway: Gateway, action: str, body: dict[str, str], field: str
) -> None:
    case = (await create(gateway)).json()

    answer = await gateway.client.post(
        f"/api/cases/{case['register_number']}/{action}",
        json={"actor": "rina", **body},
        headers=headers(gateway),
    )

    assert answer.status_code == 422
    assert answer.json()["field"] == field
    events = await gateway.client.get(
        f"/api/cases/{case['register_number']}/events", headers=headers(gateway)
    )
    assert [event["action"] for event in events.json()["items"]] == ["opened"]


@pytest.mark.parametrize("name", ["conversation_id", "status"])
async def test_a_search_parameter_with_a_control_character_is_refused_naming_it(
    gateway: Gateway, name: str
) -> None:
    answer = await gateway.client.get(
        "/api/cases", params={name: "chat\x00-1"}, headers=headers(gateway)
    )

    assert answer.status_code == 422
    assert answer.json()["field"] == name

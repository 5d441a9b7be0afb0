"""`POST /api/contacts/normalise`: the contact as cases keep it (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.backend.conftest import RunningApp
from tests.integration.backend.support import case_body


@pytest.mark.parametrize(
    "typed", ["0812-3456-7890", "081234567890", "6281234567890", "+62 812 3456 7890"]
)
async def test_an_indonesian_phone_number_becomes_plus_62(
    api: httpx.AsyncClient, typed: str
) -> None:
    response = await api.post("/api/contacts/normalise", json={"contact": typed})

    assert response.status_code == 200, response.text
    assert response.json() == {
        "contact": "+6281234567890",
        "phone": "+6281234567890",
        "email": None,
    }


async def test_an_email_keeps_its_name_and_loses_the_capitals_of_its_domain(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post("/api/contacts/normalise", json={"contact": " Siti@Yahoo.CO.ID "})

    assert response.json() == {
        "contact": "Siti@yahoo.co.id",
        "phone": None,
        "email": "Siti@yahoo.co.id",
    }


@pytest.mark.parametrize("body", [{"contact": "12345"}, {"contact": "siti@"}, {"contact": ""}, {}])
async def test_neither_a_phone_nor_an_email_answers_422_naming_the_contact(
    api: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await api.post("/api/contacts/normalise", json=body)

    assert response.status_code == 422
    assert response.json()["field"] == "contact"


async def test_a_case_created_with_the_contact_as_typed_stores_the_same_form(
    api: httpx.AsyncClient,
) -> None:
    typed = "0812 3456 7890"
    shown = (await api.post("/api/contacts/normalise", json={"contact": typed})).json()
    body = {**case_body(product="Pinjaman konsumtif"), "phone": None, "contact": typed}

    case = (await api.post("/api/cases", json=body)).json()

    assert case["phone"] == shown["phone"] and case["email"] is None


async def test_normalising_needs_the_token(running_app: RunningApp) -> None:
    async with httpx.AsyncClient(base_url=running_app.url) as client:
        response = await client.post("/api/contacts/normalise", json={"contact": "0812-3456-7890"})

    assert response.status_code == 401

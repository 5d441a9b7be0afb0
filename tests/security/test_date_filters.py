"""Out-of-range dates and day counts in the case-list filters get 422 naming the parameter,
never a 500 from a date that overflows once a day or a time zone is added to it."""

from __future__ import annotations

import pytest

from tests.integration.bot.support import Gateway


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("received_from", "9999-99-99"),
        ("received_from", "0000-01-01"),
        ("received_from", "0001-01-01"),
        ("received_to", "9999-12-31"),
        ("received_to", "10000-01-01"),
        ("due_within", "99999999999999999999"),
        ("due_within", "-1"),
    ],
)
async def test_an_out_of_range_filter_is_refused_naming_it(
    gateway: Gateway, name: str, value: str
) -> None:
    answer = await gateway.client.get(
        "/api/cases",
        params={name: value},
        headers={"Authorization": f"Bearer {gateway.app.ctx.settings.app_api_token}"},
    )

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == name


async def test_dates_within_the_range_still_filter(gateway: Gateway) -> None:
    answer = await gateway.client.get(
        "/api/cases",
        params={"received_from": "1900-01-01", "received_to": "2999-12-31", "due_within": "1000"},
        headers={"Authorization": f"Bearer {gateway.app.ctx.settings.app_api_token}"},
    )

    assert answer.status_code == 200
    assert answer.json()["total"] == 0

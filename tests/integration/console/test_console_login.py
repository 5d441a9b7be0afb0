"""Logging in to the console: passwords, throttling, the session cookie, and what needs a login."""

from __future__ import annotations

import httpx

from tests.integration.bot.support import Gateway
from tests.integration.console.support import PASSWORD, Console, add_agent, post_login, sign_in


def client_of(gateway: Gateway) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=str(gateway.client.base_url), timeout=10)


async def test_an_agent_logs_in_and_sees_the_queue(gateway: Gateway) -> None:
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    async with client_of(gateway) as client:
        login = await post_login(client, "rina", PASSWORD)
        queue = await client.get("/console", headers={"Accept": "text/html"})

    assert login.status_code == 303
    assert login.headers["location"] == "/console"
    assert queue.status_code == 200
    assert "Antrean" in queue.text and "Rina Wulandari" in queue.text


async def test_the_session_cookie_is_http_only_same_site_strict_and_scoped_to_the_console(
    gateway: Gateway,
) -> None:
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    async with client_of(gateway) as client:
        login = await post_login(client, "rina", PASSWORD)

    cookie = next(
        c for c in login.headers.get_list("set-cookie") if c.startswith("console_session=")
    )
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert "samesite=strict" in attributes
    assert "path=/console" in attributes
    assert "secure" not in attributes  # development over plain HTTP; production sets it


async def test_a_wrong_password_is_refused_and_opens_no_session(gateway: Gateway) -> None:
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    async with client_of(gateway) as client:
        login = await post_login(client, "rina", "wrong password!!")
        queue = await client.get("/console")

    assert login.status_code == 401
    assert "salah" in login.text
    assert "console_session" not in client.cookies
    assert queue.status_code == 401


async def test_an_unknown_username_is_refused_like_a_wrong_password(gateway: Gateway) -> None:
    async with client_of(gateway) as client:
        login = await post_login(client, "nobody", PASSWORD)

    assert login.status_code == 401


async def test_five_failures_block_the_next_try_for_fifteen_minutes_even_with_the_password(
    gateway: Gateway,
) -> None:
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    async with client_of(gateway) as client:
        failures = [
            (await post_login(client, "rina", "guess number x")).status_code for _ in range(5)
        ]
        blocked = await post_login(client, "rina", PASSWORD)

    # The counters run on real time (backend/rate_limits.py); that the door opens again once
    # the window has passed is shown with a short window in tests/security/test_login_limits.py.
    assert failures == [401] * 5
    assert blocked.status_code == 429
    assert blocked.headers["retry-after"] == "900"


async def test_a_login_without_its_csrf_token_is_refused(gateway: Gateway) -> None:
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    async with client_of(gateway) as client:
        missing = await client.post(
            "/console/login", data={"username": "rina", "password": PASSWORD}
        )
        await client.get("/console/login")
        wrong = await client.post(
            "/console/login",
            data={"username": "rina", "password": PASSWORD, "csrf_token": "forged"},
        )

    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert "console_session" not in client.cookies


async def test_after_login_the_agent_goes_only_to_a_console_page(gateway: Gateway) -> None:
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    async with client_of(gateway) as client:
        inside = await post_login(client, "rina", PASSWORD, next="/console/search?q=budi")
        outside = await post_login(client, "rina", PASSWORD, next="https://evil.example/console")
        sneaky = await post_login(client, "rina", PASSWORD, next="/console//evil.example")

    assert inside.headers["location"] == "/console/search?q=budi"
    assert outside.headers["location"] == "/console"
    assert sneaky.headers["location"] == "/console"


async def test_console_pages_send_a_browser_to_the_login_form(gateway: Gateway) -> None:
    async with client_of(gateway) as client:
        page = await client.get("/console/search?q=x", headers={"Accept": "text/html"})

    assert page.status_code == 303
    assert page.headers["location"] == "/console/login?next=%2Fconsole%2Fsearch%3Fq%3Dx"


async def test_console_data_and_changes_answer_401_without_a_session(gateway: Gateway) -> None:
    async with client_of(gateway) as client:
        answers = [
            await client.get("/console/queue.json"),
            await client.get("/console/queue/stream"),
            await client.post("/console/conversations/x/take-over", data={"csrf_token": "x"}),
            await client.post("/console/agents", data={"name": "X"}),
            await client.get("/console/agents"),
        ]

    assert [answer.status_code for answer in answers] == [401] * 5


async def test_logging_out_ends_the_session(agent: Console) -> None:
    token = agent.client.cookies.get("console_session")
    out = await agent.form("/console/logout")
    agent.client.cookies.set("console_session", token or "", path="/console")
    again = await agent.client.get("/console/queue.json")

    assert out.status_code == 303
    assert again.status_code == 401


async def test_a_deactivated_agent_is_signed_out_and_cannot_log_in(
    gateway: Gateway, supervisor: Console
) -> None:
    rina = await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    async with sign_in(gateway, "rina", PASSWORD) as session:
        deactivated = await supervisor.form(f"/console/agents/{rina}/deactivate")
        after = await session.client.get("/console/queue.json")
        login = await post_login(session.client, "rina", PASSWORD)

    assert deactivated.status_code == 303
    assert after.status_code == 401
    assert login.status_code == 401

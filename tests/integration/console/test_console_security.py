"""Every change needs the session's CSRF token; only supervisors manage agents; text stays text."""

from __future__ import annotations

import httpx

from backend import services
from backend.schemas import CaseCreate
from backend.services import accounts
from tests.integration.backend.support import case_body
from tests.integration.bot.support import Gateway
from tests.integration.console.support import PASSWORD, Console, post_login

SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"


async def open_case(gateway: Gateway, **fields: object) -> str:
    """A case through the service, from the test data with `fields` changed; its number."""
    ctx = gateway.app.ctx
    async with ctx.db.session() as session:
        case, _ = await services.open_case(
            session,
            CaseCreate.from_json(case_body(product=None, **fields)),
            profile=ctx.profile,
            calendar=ctx.calendar,
            now=ctx.clock(),
        )
    return case.register_number


async def test_a_form_without_the_csrf_token_is_refused_with_403(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)

    missing = await agent.client.post(
        f"/console/cases/{number}/transitions", data={"status": "in_progress"}
    )
    wrong = await agent.client.post(
        f"/console/cases/{number}/transitions", data={"status": "in_progress", "csrf_token": "x"}
    )
    case = await gateway.client.get(f"/api/cases/{number}", headers=api_headers(gateway))

    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert case.json()["status"] == "received"


async def test_a_fetch_without_the_csrf_header_is_refused_with_403(agent: Console) -> None:
    answer = await agent.client.post("/console/conversations/chat-1/reply", json={"text": "Halo"})

    assert answer.status_code == 403


async def test_another_session_s_csrf_token_does_not_work(
    gateway: Gateway, agent: Console, supervisor: Console
) -> None:
    number = await open_case(gateway)

    answer = await agent.client.post(
        f"/console/cases/{number}/transitions",
        data={"status": "in_progress", "csrf_token": supervisor.csrf},
    )

    assert answer.status_code == 403


async def test_agents_cannot_see_or_manage_agents(agent: Console) -> None:
    page = await agent.page("/console/agents")
    create = await agent.form(
        "/console/agents",
        {"name": "Budi", "username": "budi", "role": "supervisor", "password": PASSWORD},
    )
    deactivate = await agent.form("/console/agents/1/deactivate")

    assert [page.status_code, create.status_code, deactivate.status_code] == [403, 403, 403]


async def test_a_supervisor_creates_an_agent_who_can_then_log_in(
    gateway: Gateway, supervisor: Console
) -> None:
    created = await supervisor.form(
        "/console/agents",
        {"name": "Budi Santoso", "username": "budi", "role": "agent", "password": PASSWORD},
    )
    page = await supervisor.page("/console/agents")
    async with httpx.AsyncClient(base_url=str(gateway.client.base_url)) as client:
        login = await post_login(client, "budi", PASSWORD)

    assert created.status_code == 303
    assert "Budi Santoso" in page.text
    assert login.status_code == 303


async def test_a_short_password_is_refused_when_creating_an_agent(supervisor: Console) -> None:
    created = await supervisor.form(
        "/console/agents",
        {"name": "Budi", "username": "budi", "role": "agent", "password": "short"},
    )

    assert created.status_code == 422
    assert "password" in created.text


async def test_a_supervisor_cannot_deactivate_their_own_account(
    gateway: Gateway, supervisor: Console
) -> None:
    async with gateway.app.ctx.db.session() as session:
        [own] = [a for a in await accounts.list_agents(session) if a.username == "sari"]

    answer = await supervisor.form(f"/console/agents/{own.id}/deactivate")
    still = await supervisor.page("/console/agents")

    assert answer.status_code == 409
    assert still.status_code == 200


async def test_what_a_customer_wrote_is_shown_as_text_everywhere(
    gateway: Gateway, agent: Console
) -> None:
    await services_message(gateway, "chat-xss", SCRIPT)
    number = await open_case(
        gateway, full_name="Budi <b>Bold</b>", description=SCRIPT, conversation_id="chat-xss"
    )
    await handoff(gateway, "chat-xss")

    pages = [
        await agent.page("/console"),
        await agent.page(f"/console/cases/{number}"),
        await agent.page("/console/conversations/chat-xss"),
        await agent.page("/console/search?q=Budi"),
    ]

    for page in pages:
        assert page.status_code == 200, page.url
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text
        assert "<b>Bold</b>" not in page.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in pages[1].text
    assert "Budi &lt;b&gt;Bold&lt;/b&gt;" in pages[0].text


async def test_console_pages_forbid_inline_scripts_and_framing(agent: Console) -> None:
    page = await agent.page("/console")

    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"


def api_headers(gateway: Gateway) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.app.ctx.settings.app_api_token}"}


async def services_message(gateway: Gateway, conversation_id: str, text: str) -> None:
    async with gateway.app.ctx.db.session() as session:
        await services.record_message(session, conversation_id, "rest", "user", text)


async def handoff(gateway: Gateway, conversation_id: str) -> None:
    answer = await gateway.client.post(
        f"/api/conversations/{conversation_id}/handoff",
        json={"reason": "requested"},
        headers=api_headers(gateway),
    )
    assert answer.status_code == 200, answer.text

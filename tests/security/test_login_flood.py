"""A flood of bad console logins leaves the customers' chat alone (real argon2, both databases).

The attackers run in a process of their own (`login_flood.py`), as they would on other
machines, so the app's process serves their requests but does not run their clients.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from tests.fakes.platforms import FakeRasa
from tests.integration.bot.support import Gateway
from tests.integration.console.support import add_agent

PARALLEL_LOGINS = 100


async def customer_message(gateway: Gateway, number: int) -> tuple[int, float]:
    """A REST message of customer `number`: its status and how long the answer took."""
    started = time.perf_counter()
    response = await gateway.client.post(
        "/webhooks/rest/webhook", json={"sender": f"budi{number}", "message": "halo"}
    )
    return response.status_code, time.perf_counter() - started


async def test_a_hundred_parallel_bad_logins_delay_no_customer_message_by_a_second(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    assert (await customer_message(gateway, 0))[0] == 200  # the chat works before the flood

    attackers = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.security.login_flood",
        str(gateway.client.base_url),
        str(PARALLEL_LOGINS),
        stdout=asyncio.subprocess.PIPE,
    )
    assert attackers.stdout is not None
    assert (await asyncio.wait_for(attackers.stdout.readline(), 30)).strip() == b"started"
    await asyncio.sleep(0.2)  # the guesses reach the server
    done = asyncio.create_task(attackers.stdout.readline())
    messages = []
    while not done.done() or not messages:
        messages.append(await customer_message(gateway, len(messages) + 1))
        await asyncio.sleep(0.2)
    statuses = json.loads(await done)
    await attackers.wait()

    assert len(statuses) == PARALLEL_LOGINS
    assert 500 not in statuses
    assert set(statuses) <= {401, 429}
    assert [status for status, _ in messages] == [200] * len(messages)
    assert max(seconds for _, seconds in messages) < 1.0, messages

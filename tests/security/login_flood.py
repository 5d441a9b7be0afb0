"""Bad console logins all at once, from a process of their own, as attackers elsewhere would.

    python -m tests.security.login_flood http://127.0.0.1:PORT 100

prints "started" when the guesses are under way, then their statuses as a JSON list.
"""

from __future__ import annotations

import asyncio
import json
import sys

import httpx

from tests.integration.console.support import post_login


async def bad_login(base_url: str, number: int) -> int:
    """One attacker's guess, with a client of its own; the status it got."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        username = "rina" if number % 2 else f"user{number}"
        return (await post_login(client, username, f"guess number {number}")).status_code


async def flood(base_url: str, count: int) -> list[int]:
    guesses = asyncio.gather(*(bad_login(base_url, number) for number in range(count)))
    print("started", flush=True)
    return list(await guesses)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(flood(sys.argv[1], int(sys.argv[2])))), flush=True)

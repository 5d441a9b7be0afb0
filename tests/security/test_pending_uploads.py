"""Uploads waiting for a case are capped per conversation and in total, and expire unattached."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from backend.db.engine import Database
from backend.settings import Settings
from tests.integration.bot.support import Gateway, serve
from tests.integration.bot.web_support import PDF, Widget, base_url, open_widget, upload

DAY = 24 * 3600


@asynccontextmanager
async def web_with(settings: Settings, tmp_path: Path, **caps: Any) -> AsyncIterator[Gateway]:
    """The app with pending-upload caps of its own, its files under tmp_path."""
    async with serve(replace(settings, var_dir=tmp_path / "var", **caps)) as running:
        yield running


def pdf(number: int, size: int = 0) -> bytes:
    """A distinct small PDF (or one of about `size` bytes)."""
    return PDF + b"%" + str(number).encode() + b"\n" + b"0" * size


def pending_files(gateway: Gateway) -> list[Path]:
    root = gateway.app.ctx.settings.var_dir / "pending_documents"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


async def transcript_pending(gateway: Gateway, widget: Widget) -> int:
    response = await gateway.client.get(
        f"/webhooks/web/conversations/{widget.conversation_id}/transcript",
        headers={"X-Widget-Token": widget.token},
    )
    return int(response.json()["pending_documents"])


async def test_a_conversation_keeps_only_so_many_documents_waiting_for_its_case(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    async with (
        web_with(settings, tmp_path, pending_documents_per_conversation=2) as web,
        open_widget(base_url(web)) as widget,
    ):
        await widget.hello()
        answers = [await upload(web, widget, pdf(n)) for n in range(3)]

    assert [answer.status_code for answer in answers] == [201, 201, 429]
    refused = answers[-1]
    assert refused.json()["error"] == "pending_documents_full"
    assert refused.json()["reason"] == "too_many_pending"
    assert 23 * 3600 < int(refused.headers["retry-after"]) <= DAY


async def test_documents_waiting_in_all_chats_together_are_capped(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    async with web_with(settings, tmp_path, pending_documents_total=3) as web:
        statuses = []
        for chat in range(2):
            async with open_widget(base_url(web)) as widget:
                await widget.hello()
                for n in range(2):
                    statuses.append((await upload(web, widget, pdf(10 * chat + n))).status_code)

    assert statuses == [201, 201, 201, 429]


async def test_documents_waiting_for_one_case_may_not_outgrow_their_byte_cap(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    async with (
        web_with(settings, tmp_path, pending_documents_mib_per_conversation=1) as web,
        open_widget(base_url(web)) as widget,
    ):
        await widget.hello()
        first = await upload(web, widget, pdf(1, size=600_000))
        second = await upload(web, widget, pdf(2, size=600_000))

    assert first.status_code == 201
    assert second.status_code == 413
    assert second.json()["reason"] == "pending_too_large"


async def test_an_unattached_document_expires_and_is_removed_at_the_next_upload(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    async with web_with(settings, tmp_path) as web:
        async with open_widget(base_url(web)) as old:
            await old.hello()
            assert (await upload(web, old, pdf(1))).status_code == 201
        a_day_ago = time.time() - DAY - 60
        for path in pending_files(web):
            os.utime(path, (a_day_ago, a_day_ago))
        left_before = await transcript_pending(web, old)
        async with open_widget(base_url(web)) as new:
            await new.hello()
            assert (await upload(web, new, pdf(2))).status_code == 201
        folders = {path.parent.name for path in pending_files(web)}

    assert left_before == 0
    assert folders == {new.conversation_id}


async def test_documents_that_expired_while_the_app_was_down_are_removed_at_start(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    stale = tmp_path / "var" / "pending_documents" / "web-stale0000000000000000"
    stale.mkdir(parents=True)
    (stale / "abc.pdf").write_bytes(PDF)
    (stale / "abc.json").write_text('{"filename": "a.pdf", "content_type": "application/pdf"}')
    a_day_ago = time.time() - DAY - 60
    for path in stale.iterdir():
        os.utime(path, (a_day_ago, a_day_ago))

    async with web_with(settings, tmp_path) as web:
        left = pending_files(web)

    assert left == []

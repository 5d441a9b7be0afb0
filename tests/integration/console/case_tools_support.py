"""Helpers of the case-tools tests: documents kept through the service, a rated chat."""

from __future__ import annotations

from backend import services
from tests.integration.bot.support import Gateway

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64))


async def keep_document(
    gateway: Gateway,
    number: str,
    content: bytes,
    *,
    name: str = "bukti.pdf",
    content_type: str = "application/pdf",
    actor: str = "customer (web widget)",
) -> int:
    """A document of the case, kept the way an upload keeps it; its id."""
    ctx = gateway.app.ctx
    async with ctx.db.session() as session:
        _, document, _ = await services.add_document(
            session,
            ctx.documents,
            number,
            content,
            declared_type=content_type,
            filename=name,
            actor=actor,
            now=ctx.clock(),
        )
    return document.id


async def rate(gateway: Gateway, conversation_id: str, rating: int) -> None:
    async with gateway.app.ctx.db.session() as session:
        await services.set_rating(session, conversation_id, rating)


async def record_chat(gateway: Gateway, conversation_id: str, channel: str = "rest") -> None:
    """A chat with one customer message (no Rasa turn)."""
    async with gateway.app.ctx.db.session() as session:
        await services.record_message(session, conversation_id, channel, "user", "halo")

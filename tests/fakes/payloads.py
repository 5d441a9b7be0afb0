"""Platform payloads in their documented shapes: Telegram updates, WhatsApp webhook deliveries."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from tests.fakes.platforms import WHATSAPP_PHONE_NUMBER_ID

DATE = 1_795_000_000  # 2026-11-18 11:06:40 UTC, a Unix time as both platforms send it
WHATSAPP_DISPLAY_NUMBER = "15550783881"

_ids = itertools.count(1)


def _user(chat_id: int, language: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Budi"}
    if language:
        user["language_code"] = language
    return user


def telegram_message(
    chat_id: int, update_id: int | None = None, *, language: str | None = "id", **content: Any
) -> dict[str, Any]:
    """An Update with a private-chat Message carrying `content` (text, photo, sticker, …)."""
    update_id = update_id if update_id is not None else next(_ids)
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": _user(chat_id, language),
            "chat": {"id": chat_id, "first_name": "Budi", "type": "private"},
            "date": DATE,
            **content,
        },
    }


def telegram_text(
    chat_id: int, text: str, update_id: int | None = None, **kw: Any
) -> dict[str, Any]:
    """A typed message; a leading `/command` gets its bot_command entity like Telegram sends it."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    return telegram_message(chat_id, update_id, **content, **kw)


def telegram_callback(
    chat_id: int,
    data: str,
    update_id: int | None = None,
    *,
    language: str | None = "id",
    keyboard: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """A click on an inline-keyboard button under one of the bot's messages.

    `keyboard`: the message's buttons as (text, callback_data), one per row, as Telegram
    sends the message's `reply_markup` with the click.
    """
    update_id = update_id if update_id is not None else next(_ids)
    markup = {}
    if keyboard:
        rows = [[{"text": text, "callback_data": key}] for text, key in keyboard]
        markup = {"reply_markup": {"inline_keyboard": rows}}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"4382bfdwdsb323b2d9{update_id}",
            "from": _user(chat_id, language),
            "message": {
                "message_id": 900 + update_id,
                "from": {"id": 7000000001, "is_bot": True, "first_name": "Aduan"},
                "chat": {"id": chat_id, "first_name": "Budi", "type": "private"},
                "date": DATE,
                "text": "Pilih salah satu:",
                **markup,
            },
            "chat_instance": "-2839471236498273",
            "data": data,
        },
    }


def telegram_photo(chat_id: int, caption: str | None = None, **kw: Any) -> dict[str, Any]:
    """A photo: Telegram sends several sizes, the largest last."""
    sizes = [
        {
            "file_id": "AgACAgUAAxkBAAIBs-small",
            "file_unique_id": "AQADs1",
            "width": 90,
            "height": 67,
            "file_size": 1289,
        },
        {
            "file_id": "AgACAgUAAxkBAAIBs-large",
            "file_unique_id": "AQADs3",
            "width": 1280,
            "height": 960,
            "file_size": 184_512,
        },
    ]
    content: dict[str, Any] = {"photo": sizes}
    if caption:
        content["caption"] = caption
    return telegram_message(chat_id, **content, **kw)


def telegram_document(chat_id: int, **kw: Any) -> dict[str, Any]:
    """A PDF sent as a file."""
    document = {
        "file_name": "bukti_transfer.pdf",
        "mime_type": "application/pdf",
        "file_id": "BQACAgUAAxkBAAIBtGZ-doc",
        "file_unique_id": "AgADtG",
        "file_size": 48_213,
    }
    return telegram_message(chat_id, document=document, **kw)


def telegram_sticker(chat_id: int, **kw: Any) -> dict[str, Any]:
    """A sticker (a type the bot does not handle)."""
    sticker = {
        "file_id": "CAACAgIAAxkBAAIBtWZ-sticker",
        "file_unique_id": "AgADxQ",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
    return telegram_message(chat_id, sticker=sticker, **kw)


def telegram_location(chat_id: int, **kw: Any) -> dict[str, Any]:
    """A shared location (Jakarta)."""
    return telegram_message(chat_id, location={"latitude": -6.2088, "longitude": 106.8456}, **kw)


def whatsapp_delivery(
    *messages: dict[str, Any],
    statuses: list[dict[str, Any]] | None = None,
    phone_number_id: str = WHATSAPP_PHONE_NUMBER_ID,
) -> dict[str, Any]:
    """A webhook POST body: one entry, one `messages` change with these messages or statuses."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": WHATSAPP_DISPLAY_NUMBER,
            "phone_number_id": phone_number_id,
        },
    }
    if messages:
        senders = dict.fromkeys(message["from"] for message in messages)
        value["contacts"] = [{"profile": {"name": "Siti"}, "wa_id": wa_id} for wa_id in senders]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }


def wa_message(
    wa_id: str, kind: str, message_id: str | None = None, **content: Any
) -> dict[str, Any]:
    """One inbound message object of type `kind`."""
    return {
        "from": wa_id,
        "id": message_id or f"wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjA{next(_ids):06d}",
        "timestamp": str(int(time.time())),
        "type": kind,
        **content,
    }


def wa_text(wa_id: str, body: str, message_id: str | None = None) -> dict[str, Any]:
    return wa_message(wa_id, "text", message_id, text={"body": body})


def wa_button_reply(wa_id: str, button_id: str, title: str) -> dict[str, Any]:
    """A tap on an interactive reply button."""
    interactive = {"type": "button_reply", "button_reply": {"id": button_id, "title": title}}
    return wa_message(wa_id, "interactive", context=_context(), interactive=interactive)


def wa_list_reply(wa_id: str, row_id: str, title: str, description: str = "") -> dict[str, Any]:
    """A choice in an interactive list."""
    reply = {"id": row_id, "title": title, "description": description}
    interactive = {"type": "list_reply", "list_reply": reply}
    return wa_message(wa_id, "interactive", context=_context(), interactive=interactive)


def wa_image(wa_id: str, caption: str | None = None) -> dict[str, Any]:
    image = {
        "mime_type": "image/jpeg",
        "sha256": "81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3",
        "id": "2754859441498128",
    }
    if caption:
        image["caption"] = caption
    return wa_message(wa_id, "image", image=image)


def wa_document(wa_id: str) -> dict[str, Any]:
    document = {
        "filename": "surat_kuasa.pdf",
        "mime_type": "application/pdf",
        "sha256": "3b5b7b0a4e1f2f3c8d9e0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5",
        "id": "1003383421387256",
    }
    return wa_message(wa_id, "document", document=document)


def wa_sticker(wa_id: str) -> dict[str, Any]:
    sticker = {
        "mime_type": "image/webp",
        "sha256": "ab12",
        "id": "1249187549371827",
        "animated": False,
    }
    return wa_message(wa_id, "sticker", sticker=sticker)


def wa_location(wa_id: str) -> dict[str, Any]:
    location = {"latitude": -6.2088, "longitude": 106.8456, "name": "Monas"}
    return wa_message(wa_id, "location", location=location)


def wa_status(wa_id: str, status: str = "delivered") -> dict[str, Any]:
    """A status event about a message the business sent."""
    return {
        "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjgxQkVFRDVBQTVDODFDOTg3MQA=",
        "status": status,
        "timestamp": str(DATE),
        "recipient_id": wa_id,
    }


def whatsapp_body(payload: dict[str, Any]) -> bytes:
    """The raw bytes Meta would POST (the signature covers exactly these)."""
    return json.dumps(payload).encode()


def whatsapp_signature(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 value Meta computes over the raw body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def _context() -> dict[str, str]:
    return {"from": WHATSAPP_DISPLAY_NUMBER, "id": "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUw"}

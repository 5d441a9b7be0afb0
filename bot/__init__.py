"""The channel gateway: every channel in, routed to Rasa or (during a handoff) to an agent."""

from __future__ import annotations

from sanic import Blueprint

from bot.channels.demo import demo
from bot.channels.rest import rest
from bot.channels.telegram import telegram
from bot.channels.web import web, widget
from bot.channels.whatsapp import whatsapp


def gateway_blueprints() -> Blueprint:
    """All channel routes, mounted at the root of the app."""
    return Blueprint.group(rest, demo, telegram, whatsapp, web, widget)

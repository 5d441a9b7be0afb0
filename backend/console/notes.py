"""`/console/cases/<number>/notes`: agents' private notes on a case, with author and time.

Notes stay in the console: nothing sends them to the customer, and no other surface reads them.
"""

from __future__ import annotations

from typing import Any

from sanic import Request
from sanic.response import HTTPResponse, redirect

from backend.services import case_notes


async def notes_of(request: Request, register_number: str) -> list[dict[str, Any]]:
    """The case's notes as the page lists them, oldest first."""
    notes = await case_notes.case_notes(request.ctx.db_session, register_number)
    return [{"author": note.author, "at": note.created_at, "body": note.body} for note in notes]


async def add_note(request: Request, register_number: str, *, back_to: str) -> HTTPResponse:
    """`POST …/notes` note=…: keep the note (NoteRefused: the page says why), back to the case."""
    await case_notes.add_note(
        request.ctx.db_session,
        register_number,
        request.form.get("note"),
        author=request.ctx.agent,
        now=request.app.ctx.clock(),
    )
    return redirect(f"{back_to}?done=note#notes", status=303)

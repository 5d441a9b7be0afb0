"""Supporting documents sent from the web widget.

A document goes to the conversation's newest case through the case API's document
service. Before the chat has a case (the customer is still telling the complaint), the
upload is kept as a pending attachment of the conversation, under
`var/pending_documents/<conversation>/`, and attached as soon as the case exists: the
widget channel looks after each message, at each connect and at each upload. Pending
uploads are capped per conversation and in total and expire unattached (`pending_quota.py`);
expired ones are removed at each pending upload and at server start.
Either way the transcript records it as `/send_document` with the `attachment` metadata,
as the Telegram and WhatsApp channels do.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from backend import services
from backend.domain.documents import AcceptedDocument, check_document
from backend.domain.transcript_display import DISPLAY_KEY
from backend.services.unit_of_work import Sessions
from backend.storage import DocumentStore
from bot.channels.conventions import DOCUMENT_MESSAGE
from bot.channels.pending_quota import PendingFile, PendingQuota, check_room, expired
from bot.channels.web_tokens import WEB_CONVERSATION_ID

log = logging.getLogger(__name__)

ACTOR = "customer (web widget)"


@dataclass(frozen=True)
class WidgetUpload:
    """What became of an upload: attached to `register_number`, or pending (None)."""

    filename: str
    content_type: str
    size: int
    register_number: str | None

    def as_dict(self) -> dict[str, object]:
        """The upload's JSON answer to the widget."""
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "register_number": self.register_number,
            "pending": self.register_number is None,
        }


class WidgetDocuments:
    """Attaches widget uploads to the conversation's case, or keeps them until it exists."""

    def __init__(
        self,
        sessions: Sessions,
        documents: DocumentStore,
        pending: DocumentStore,
        clock: Callable[[], datetime],
        quota: PendingQuota,
    ) -> None:
        self._sessions = sessions
        self._documents = documents
        self._pending = pending
        self._clock = clock
        self._quota = quota
        self._room = asyncio.Lock()  # one pending upload at a time checks and takes the room

    async def upload(
        self,
        conversation_id: str,
        content: bytes,
        *,
        declared_type: str | None,
        filename: str | None,
    ) -> WidgetUpload:
        """Check the file, attach or keep it, note it in the chat.

        DocumentRefused for a file refused, PendingRefused when no more may wait for the case.
        """
        accepted = check_document(content, declared_type, filename)
        now = self._clock()
        async with self._sessions.session() as session:
            cases = await services.list_cases_for_conversation(session, conversation_id)
            register_number = cases[-1].register_number if cases else None
        if register_number is None:
            await self._keep_pending(conversation_id, accepted, content)
        else:
            await self._attach(register_number, content, accepted.content_type, accepted.filename)
        attachment = {
            "filename": accepted.filename,
            "content_type": accepted.content_type,
            "size": accepted.size,
            "sha256": accepted.sha256,
            "register_number": register_number,
        }
        async with self._sessions.session() as session:
            await services.record_message(
                session,
                conversation_id,
                "web",
                "user",
                DOCUMENT_MESSAGE,
                payload={"attachment": attachment, DISPLAY_KEY: accepted.filename},
                now=now,
            )
        return WidgetUpload(
            accepted.filename, accepted.content_type, accepted.size, register_number
        )

    async def remove_expired(self) -> int:
        """Remove the pending uploads that outlived their lifetime unattached; how many."""
        files = await asyncio.to_thread(self._pending_files)
        gone = expired(files, self._quota, self._clock().timestamp())
        await asyncio.to_thread(self._remove, gone)
        return len(gone)

    def pending_count(self, conversation_id: str) -> int:
        """How many uploads of the conversation wait for its case."""
        return len(self._pending_names(conversation_id))

    async def attach_pending(self, conversation_id: str) -> tuple[str, int] | None:
        """Attach the pending uploads once the chat has a case: (register number, how many)."""
        names = self._pending_names(conversation_id)
        if not names:
            return None
        async with self._sessions.session() as session:
            cases = await services.list_cases_for_conversation(session, conversation_id)
        if not cases:
            return None
        register_number = cases[-1].register_number
        attached = 0
        for stem in names:
            meta_path = f"{conversation_id}/{stem}.json"
            try:
                meta = json.loads(await self._pending.read(meta_path))
                file_path = f"{conversation_id}/{stem}{meta['extension']}"
                content = await self._pending.read(file_path)
            except (FileNotFoundError, ValueError, KeyError):
                continue  # taken by a concurrent attach, or a half-written pair
            try:
                await self._attach(register_number, content, meta["content_type"], meta["filename"])
            except Exception:
                log.exception("web: a pending document not attached to %s", register_number)
                continue
            await self._pending.delete(file_path)
            await self._pending.delete(meta_path)
            attached += 1
        return (register_number, attached) if attached else None

    async def _attach(
        self, register_number: str, content: bytes, content_type: str, filename: str
    ) -> None:
        async with self._sessions.session() as session:
            await services.add_document(
                session,
                self._documents,
                register_number,
                content,
                declared_type=content_type,
                filename=filename,
                actor=ACTOR,
                now=self._clock(),
            )

    async def _keep_pending(
        self, conversation_id: str, accepted: AcceptedDocument, content: bytes
    ) -> None:
        async with self._room:
            now = self._clock().timestamp()
            files = await asyncio.to_thread(self._pending_files)
            gone = expired(files, self._quota, now)
            await asyncio.to_thread(self._remove, gone)
            live = [file for file in files if file not in gone]
            check_room(live, conversation_id, accepted.size, self._quota, now)
            await self._save_pending(conversation_id, accepted, content)

    async def _save_pending(
        self, conversation_id: str, accepted: AcceptedDocument, content: bytes
    ) -> None:
        folder = conversation_id
        await self._pending.save(
            self._pending.relative_path(folder, accepted.sha256, accepted.extension), content
        )
        meta = {
            "filename": accepted.filename,
            "content_type": accepted.content_type,
            "extension": accepted.extension,
        }
        # The metadata is written last: its presence marks the pair as complete.
        await self._pending.save(
            self._pending.relative_path(folder, accepted.sha256, ".json"),
            json.dumps(meta).encode(),
        )

    def _pending_names(self, conversation_id: str) -> list[str]:
        """The stems of the conversation's complete, unexpired pending uploads."""
        if not WEB_CONVERSATION_ID.match(conversation_id):
            return []
        folder = self._pending.root / conversation_id
        if not folder.is_dir():
            return []
        oldest = self._clock().timestamp() - self._quota.lifetime_seconds
        return sorted(path.stem for path in folder.glob("*.json") if _saved_at(path) > oldest)

    def _pending_files(self) -> list[PendingFile]:
        """Every pending upload (the documents, not their metadata), from the disk."""
        root = self._pending.root
        if not root.is_dir():
            return []
        found = []
        for path in root.glob("*/*"):
            if path.name.startswith(".") or path.suffix == ".json":
                continue
            saved_at = _saved_at(path)
            with contextlib.suppress(FileNotFoundError):
                size = path.stat().st_size
                found.append(PendingFile(path.parent.name, path.name, size, saved_at))
        return found

    def _remove(self, files: list[PendingFile]) -> None:
        """Delete pending uploads with their metadata, and folders left empty."""
        for file in files:
            document = self._pending.path(f"{file.conversation_id}/{file.name}")
            document.with_suffix(".json").unlink(missing_ok=True)
            document.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                document.parent.rmdir()  # only when empty
        if files:
            log.info("web: %d pending documents expired unattached", len(files))


def _saved_at(path: Path) -> float:
    """When a file was written (epoch seconds); 0 if it is gone meanwhile."""
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0

"""The file adapter: supporting documents on disk, one folder per case, named by content hash."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path

from backend.private_files import private_directory

_SAFE_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class DocumentStore:
    """Files under `root` (settings.var_dir / "documents"); paths in the database are relative."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def relative_path(folder: str, sha256: str, extension: str) -> str:
        """Where a case's document lives, relative to the root: `{folder}/{sha256}{extension}`."""
        name = f"{sha256}{extension}"
        if not (_SAFE_PART.fullmatch(folder) and _SAFE_PART.fullmatch(name)):
            raise ValueError(f"unsafe document path {folder!r}/{name!r}")
        return f"{folder}/{name}"

    def path(self, relative: str) -> Path:
        """The absolute path of a stored document; refuses anything outside the root."""
        root = self.root.resolve()
        path = (root / relative).resolve()
        if root not in path.parents:
            raise ValueError(f"document path outside the store: {relative!r}")
        return path

    async def save(self, relative: str, content: bytes) -> bool:
        """Write the file atomically (fsynced); False if an identical one was already there."""
        return await asyncio.to_thread(self._save, self.path(relative), content)

    async def read(self, relative: str) -> bytes:
        """The stored file's bytes; FileNotFoundError if it is gone."""
        return await asyncio.to_thread(self.path(relative).read_bytes)

    async def delete(self, relative: str) -> None:
        """Remove a stored file if it exists."""
        await asyncio.to_thread(self.path(relative).unlink, True)

    def files(self) -> list[Path]:
        """Every stored file (for checks and tests)."""
        if not self.root.exists():
            return []
        return sorted(path for path in self.root.rglob("*") if path.is_file())

    @staticmethod
    def _save(path: Path, content: bytes) -> bool:
        if path.exists() and path.read_bytes() == content:
            return False
        private_directory(path.parent)
        # mkstemp creates the file 0600; the rename keeps that.
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return True

"""`var/` is private to the service's user: folders 0700, files 0600 (database, documents, logs)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
# Set by the commands that run servers: whatever they or their children create is private.
UMASK = 0o077


def private_directory(path: Path) -> Path:
    """Create `path` and its missing parents as 0700; an existing `path` is tightened to 0700."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
    path.chmod(DIRECTORY_MODE)  # mkdir's mode passes through the umask; chmod does not
    return path


def private_file(path: Path) -> Path:
    """Tighten an existing file to 0600 (a file made before the umask was set)."""
    if path.exists():
        path.chmod(FILE_MODE)
    return path


def open_private_log(path: Path) -> BinaryIO:
    """`path` opened for appending, created 0600 (an older log is tightened)."""
    private_directory(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    os.fchmod(descriptor, FILE_MODE)
    return os.fdopen(descriptor, "ab")

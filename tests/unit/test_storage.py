"""The document store writes files atomically under its root and nowhere else."""

from pathlib import Path

import pytest

from backend.storage import DocumentStore


async def test_a_saved_document_is_read_back_and_saving_it_again_changes_nothing(
    tmp_path: Path,
) -> None:
    store = DocumentStore(tmp_path / "documents")
    relative = store.relative_path("KP-2611-00001M", "ab" * 32, ".pdf")

    first = await store.save(relative, b"%PDF-1.7")
    again = await store.save(relative, b"%PDF-1.7")

    assert (first, again) == (True, False)
    assert await store.read(relative) == b"%PDF-1.7"
    assert store.files() == [tmp_path / "documents" / "KP-2611-00001M" / f"{'ab' * 32}.pdf"]


async def test_a_deleted_document_leaves_no_file(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    relative = store.relative_path("KP-2611-00001M", "cd" * 32, ".png")
    await store.save(relative, b"\x89PNG")

    await store.delete(relative)
    await store.delete(relative)

    assert store.files() == []


@pytest.mark.parametrize(
    ("folder", "name"), [("..", "x"), ("a/b", "x"), ("KP", "../x"), (".", "x")]
)
def test_a_path_that_could_leave_the_store_is_refused(folder: str, name: str) -> None:
    with pytest.raises(ValueError, match="unsafe"):
        DocumentStore.relative_path(folder, name, ".pdf")


def test_reading_outside_the_root_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside"):
        DocumentStore(tmp_path / "documents").path("../app.db")


def test_an_empty_store_has_no_files(tmp_path: Path) -> None:
    assert DocumentStore(tmp_path / "missing").files() == []

"""What the customer is told when the agent registers their draft, or the bot resumes it."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.services.drafts import registered_notice, resumed_notice
from backend.services.records import CaseRecord


def case(complaint_type: str) -> CaseRecord:
    return CaseRecord(
        register_number="KP-2611-0001-X",
        complaint_type=complaint_type,
        first_response_due_at=datetime(2026, 11, 26, 10, 0, tzinfo=UTC),  # Thursday 17:00 WIB
    )


def test_a_registered_complaint_is_told_with_its_number_and_first_response_deadline() -> None:
    notice = registered_notice(case("complaint"), "id")

    assert notice.startswith(
        "Pengaduan Anda telah kami terima dengan nomor register KP-2611-0001-X."
    )
    assert "paling lambat Kamis, 26 November 2026 pukul 17.00 WIB" in notice


def test_feedback_and_questions_are_told_in_their_own_words_and_in_english() -> None:
    assert registered_notice(case("feedback"), "id").startswith("Terima kasih, kritik dan saran")
    assert "by Thursday, 26 November 2026 at 17:00 WIB" in registered_notice(case("question"), "en")


def test_an_unknown_language_falls_back_to_indonesian() -> None:
    assert resumed_notice(None).startswith("Jawaban Anda sejauh ini tetap kami simpan")
    assert resumed_notice("en").startswith("We have kept your answers so far")

"""INSTITUTION=bank: the same code greets, asks and registers as the bank, from its profile."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from backend.domain.calendar import WorkingCalendar
from backend.domain.deadlines import working_day_deadline
from backend.institutions import load_profile
from backend.stack import Stack
from tests.e2e.conftest import Chat, stack_settings, start_stack
from tests.e2e.flows import registered_case, titles

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def bank_stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A second stack, with only the institution setting changed."""
    settings = stack_settings(tmp_path_factory.mktemp("bank"), institution="bank")
    running = start_stack(settings, model)
    yield running
    running.stop()


@pytest.fixture
def bank_chat(bank_stack: Stack) -> Chat:
    return Chat(bank_stack.settings.app_url, f"e2e-bank-{secrets.token_hex(6)}")


@pytest.fixture
def bank_api(bank_stack: Stack) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {bank_stack.settings.app_api_token}"}
    with httpx.Client(base_url=bank_stack.settings.app_url, headers=headers, timeout=30) as client:
        yield client


def test_the_bank_profile_switches_name_roles_register_prefix_and_deadlines(
    bank_chat: Chat, bank_api: httpx.Client
) -> None:
    profile = load_profile("bank")
    bank_chat.say("halo")
    assert f"Customer Service {profile.name}" in bank_chat.texts
    bank_chat.say("saya nasabah, saldo tabungan saya berkurang tanpa transaksi")
    assert "Kapan kejadiannya?" in bank_chat.texts, "who and what are known from the opening"
    bank_chat.say("kemarin")
    bank_chat.say("Rp 2.500.000")
    bank_chat.click("Tinggi")
    bank_chat.say("Siti Aminah")
    bank_chat.say("0812-3456-7890")
    assert "• Pengadu: Nasabah" in bank_chat.texts
    bank_chat.click("Ya")

    case = registered_case(bank_chat, bank_api)
    assert case["register_number"].startswith(f"{profile.register_prefix}-")
    assert (case["complainant_type"], case["user_role"]) == ("user", "customer")
    assert case["category"] == "transaction"
    received_at = datetime.fromisoformat(case["received_at"])
    calendar = WorkingCalendar(cuti_bersama=profile.cuti_bersama_counts)
    assert datetime.fromisoformat(case["first_response_due_at"]) == working_day_deadline(
        received_at, profile.first_response_days, calendar
    )
    assert datetime.fromisoformat(case["resolution_due_at"]) == working_day_deadline(
        received_at, profile.written_resolution_days, calendar
    )


def test_a_bank_customer_is_asked_as_nasabah_and_told_the_bank_s_periods(
    bank_chat: Chat,
) -> None:
    bank_chat.say("saya mau mengadu")
    assert titles(bank_chat) == ["Nasabah", "Perwakilan nasabah", "Bukan nasabah (pelapor)"]
    bank_chat.say("berapa lama pengaduan saya diproses")
    profile = load_profile("bank")
    assert f"paling lama {profile.written_resolution_days} hari kerja" in bank_chat.texts
    assert f"paling lama {profile.oral_resolution_days} hari kerja" in bank_chat.texts
    bank_chat.click("Perwakilan nasabah")
    assert "Silakan ceritakan masalah Anda" in bank_chat.texts

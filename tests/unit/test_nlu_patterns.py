"""The regexes of the NLU data find register numbers and amounts as customers type them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from backend.domain.register_number import parse_register_number
from backend.settings import ROOT


def patterns(name: str) -> list[re.Pattern[str]]:
    """The regexes named `name` in data/nlu, compiled as RegexEntityExtractor does."""
    found = []
    for path in sorted(Path(ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if block.get("regex") == name:
                for line in str(block["examples"]).splitlines():
                    found.append(re.compile(line.strip().removeprefix("- "), re.IGNORECASE))
    assert found, name
    return found


def matches(name: str, text: str) -> list[str]:
    """Every span of `text` the regexes named `name` find."""
    return [m.group(0) for pattern in patterns(name) for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "status KP-2611-00042M",
        "cek kp261100042m dong",
        "aduan gw KP 2611 00042M gmn",
        "kp2611-00042m udh diproses blm",
        "BND-2612-00042P",
    ],
)
def test_a_register_number_is_found_in_any_spelling_and_parses(text: str) -> None:
    [found] = matches("register_number", text)
    assert parse_register_number(found) in ("KP-2611-00042M", "BND-2612-00042P")


@pytest.mark.parametrize(
    "text",
    ["hp 081234567890", "wa 6281234567890", "no hp 0812 3456 7890", "nomor wa 085712349876"],
)
def test_a_word_followed_by_a_phone_number_is_not_a_register_number(text: str) -> None:
    assert matches("register_number", text) == []


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("rugi 350000", "350000"),
        ("sekitar 1.250.000 kak", "1.250.000"),
        ("Rp 5.000.000", "Rp 5.000.000"),
        ("5jt", "5jt"),
    ],
)
def test_an_amount_is_found_with_or_without_rp_or_a_unit(text: str, amount: str) -> None:
    assert amount in matches("amount", text)


@pytest.mark.parametrize(
    "text", ["0812-3456-7890", "+62 812 3456 7890", "KP-2611-00042M", "tanggal 12 november"]
)
def test_a_phone_number_register_number_or_day_is_not_an_amount(text: str) -> None:
    assert matches("amount", text) == []

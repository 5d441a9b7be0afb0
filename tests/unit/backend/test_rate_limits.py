"""The key a request counts against per address."""

from __future__ import annotations

import pytest

from backend.rate_limits import counted_address


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("unknown", "unknown"),
    ],
)
def test_an_address_counts_as_itself_and_ipv6_by_its_64_block(address: str, key: str) -> None:
    assert counted_address(address) == key

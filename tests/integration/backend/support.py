"""Test data for the backend integration tests: a fixed profile and valid case bodies."""

from __future__ import annotations

from typing import Any

from backend.domain.policy import InstitutionProfile

PROFILE = InstitutionProfile.from_mapping(
    {
        "key": "testp2p",
        "name": "Test P2P",
        "kind": "p2p",
        "register_prefix": "KP",
        "products": ["Pinjaman tunai", "Pendanaan"],
        "first_response_days": 2,
        "oral_resolution_days": 5,
        "written_resolution_days": 10,
        "extension_days": 10,
        "document_days": 10,
        "cuti_bersama_counts": False,
        "priority_targets": {"emergency": 1, "high": 3, "medium": 5, "low": 10},
    }
)


def case_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST /api/cases body (a borrower phoning about debt collection)."""
    body: dict[str, Any] = {
        "complainant_type": "user",
        "user_role": "borrower",
        "complaint_type": "complaint",
        "category": "debt_collection",
        "priority": "high",
        "full_name": "Siti Rahayu",
        "phone": "0812-3456-7890",
        "description": "Penagih menelepon atasan saya dan mengancam.",
        "product": "Pinjaman tunai",
        "channel": "phone",
        "received_at": "2026-11-20T10:00:00+07:00",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}

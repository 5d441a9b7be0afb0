"""Masking before anything is logged; the rules live in `backend.domain.personal_data`."""

from __future__ import annotations

from backend.domain.personal_data import mask_digits, mask_for_logs

__all__ = ["mask_digits", "mask_for_logs"]

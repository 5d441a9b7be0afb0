"""Institution profiles: one institution's policy (deadlines, roles, products, channels)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from backend.domain.calendar import WorkingCalendar
from backend.domain.lifecycle import Channel, Priority, SubmissionMode, UserRole


class InstitutionKind(StrEnum):
    """A P2P lending platform or a bank."""

    P2P = "p2p"
    BANK = "bank"


KIND_ROLES: Mapping[InstitutionKind, tuple[str, ...]] = MappingProxyType(
    {
        InstitutionKind.P2P: (UserRole.LENDER.value, UserRole.BORROWER.value),
        InstitutionKind.BANK: (UserRole.CUSTOMER.value, UserRole.REPRESENTATIVE.value),
    }
)

# Electronic media count as written, phone and walk-in as oral (POJK 22/2023, by default).
DEFAULT_CHANNEL_MODES: Mapping[str, str] = MappingProxyType(
    {
        channel.value: (
            SubmissionMode.ORAL.value
            if channel in (Channel.PHONE, Channel.WALK_IN)
            else SubmissionMode.WRITTEN.value
        )
        for channel in Channel
    }
)

PRIORITY_ORDER = (Priority.EMERGENCY, Priority.HIGH, Priority.MEDIUM, Priority.LOW)

_KEY = re.compile(r"[a-z][a-z0-9_]*")
_PREFIX = re.compile(r"[A-Z]{2,4}")
_DAY_FIELDS = (
    "first_response_days",
    "oral_resolution_days",
    "written_resolution_days",
    "extension_days",
    "document_days",
)


class ProfileError(ValueError):
    """An institution profile is invalid or missing; `field` names the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"institution profile field {field!r}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class InstitutionProfile:
    """The policy of one institution, loaded from `institutions/{key}.yml`."""

    key: str
    name: str
    kind: str
    register_prefix: str
    roles: tuple[str, ...]
    products: tuple[str, ...]
    first_response_days: int
    oral_resolution_days: int
    written_resolution_days: int
    extension_days: int
    document_days: int
    cuti_bersama_counts: bool
    channel_modes: Mapping[str, str]
    priority_targets: Mapping[str, int]
    escalation_bodies: tuple[str, ...] = field(default=())

    def submission_mode(self, channel: str) -> str:
        """Whether a complaint arriving on `channel` counts as oral or written."""
        try:
            return self.channel_modes[channel]
        except KeyError:
            raise ValueError(f"unknown channel {channel!r}") from None

    def working_calendar(self) -> WorkingCalendar:
        """The working-day calendar this institution's deadlines count in."""
        return WorkingCalendar(cuti_bersama=self.cuti_bersama_counts)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> InstitutionProfile:
        """A validated profile from parsed YAML; ProfileError names the first bad field."""
        if not isinstance(data, Mapping):
            raise ProfileError("profile", "must be a mapping of fields")
        known = set(cls.__dataclass_fields__)
        for name in data:
            if name not in known:
                raise ProfileError(str(name), "unknown field")
        kind = _choice(data, "kind", [k.value for k in InstitutionKind])
        days = {
            name: _days(_require(data, name), name, minimum=0 if name == "extension_days" else 1)
            for name in _DAY_FIELDS
        }
        return cls(
            key=_text(data, "key", _KEY, "lowercase letters, digits and _"),
            name=_text(data, "name"),
            kind=kind,
            register_prefix=_text(data, "register_prefix", _PREFIX, "2 to 4 uppercase letters"),
            roles=_roles(data, InstitutionKind(kind)),
            products=_texts(data, "products", required=True),
            **days,
            cuti_bersama_counts=_flag(data, "cuti_bersama_counts"),
            channel_modes=_channel_modes(data),
            priority_targets=_priority_targets(data),
            escalation_bodies=_texts(data, "escalation_bodies", required=False),
        )


def _require(data: Mapping[str, Any], name: str) -> Any:
    if data.get(name) is None:
        raise ProfileError(name, "is required")
    return data[name]


def _text(
    data: Mapping[str, Any], name: str, pattern: re.Pattern[str] | None = None, shape: str = ""
) -> str:
    value = _require(data, name)
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(name, "must be a non-empty string")
    if pattern is not None and not pattern.fullmatch(value):
        raise ProfileError(name, f"must be {shape}")
    return value.strip()


def _choice(data: Mapping[str, Any], name: str, allowed: list[str]) -> str:
    value = _require(data, name)
    if value not in allowed:
        raise ProfileError(name, f"must be one of {', '.join(allowed)}")
    return str(value)


def _texts(data: Mapping[str, Any], name: str, *, required: bool) -> tuple[str, ...]:
    value = _require(data, name) if required else data.get(name) or []
    if not isinstance(value, list | tuple) or (required and not value):
        raise ProfileError(name, "must be a non-empty list" if required else "must be a list")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ProfileError(name, "must hold non-empty strings")
    items = tuple(item.strip() for item in value)
    if len(set(items)) != len(items):
        raise ProfileError(name, "must not repeat an entry")
    return items


def _days(value: Any, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ProfileError(name, f"must be a whole number of working days >= {minimum}")
    return value


def _flag(data: Mapping[str, Any], name: str) -> bool:
    value = _require(data, name)
    if not isinstance(value, bool):
        raise ProfileError(name, "must be true or false")
    return value


def _roles(data: Mapping[str, Any], kind: InstitutionKind) -> tuple[str, ...]:
    if data.get("roles") is None:
        return KIND_ROLES[kind]
    roles = _texts(data, "roles", required=True)
    for role in roles:
        if role not in KIND_ROLES[kind]:
            allowed = ", ".join(KIND_ROLES[kind])
            raise ProfileError("roles", f"{role!r} is not a {kind} role ({allowed})")
    return roles


def _channel_modes(data: Mapping[str, Any]) -> Mapping[str, str]:
    value = data.get("channel_modes") or {}
    if not isinstance(value, Mapping):
        raise ProfileError("channel_modes", "must map channels to oral or written")
    modes = dict(DEFAULT_CHANNEL_MODES)
    for channel, mode in value.items():
        if channel not in modes:
            raise ProfileError("channel_modes", f"unknown channel {channel!r}")
        if mode not in (SubmissionMode.ORAL, SubmissionMode.WRITTEN):
            raise ProfileError("channel_modes", f"{channel}: must be oral or written")
        modes[channel] = str(mode)
    return MappingProxyType(modes)


def _priority_targets(data: Mapping[str, Any]) -> Mapping[str, int]:
    value = _require(data, "priority_targets")
    if not isinstance(value, Mapping):
        raise ProfileError("priority_targets", "must map priorities to working days")
    if set(value) != {p.value for p in Priority}:
        raise ProfileError("priority_targets", "must give exactly low, medium, high, emergency")
    targets = {
        p.value: _days(value[p.value], f"priority_targets.{p.value}", minimum=1)
        for p in PRIORITY_ORDER
    }
    ordered = list(targets.values())
    if ordered != sorted(ordered):
        raise ProfileError("priority_targets", "a higher priority must not get more days")
    return MappingProxyType(targets)

"""Control characters in stored text: refused on input, escaped on export.

C0 controls other than tab, line feed and carriage return, DEL and the C1 controls have no
place in a name or a complaint; they break spreadsheets (XLSX refuses most of them) and can
rewrite a terminal showing a log or an export.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REFUSAL = "must not contain control characters"


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a control character other than tab, line feed, carriage return."""
    return CONTROL_CHARACTERS.search(text) is not None


def escape_control_characters(text: str) -> str:
    """`text` with each such control character written out visibly, e.g. `\\x1b`."""
    return CONTROL_CHARACTERS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)

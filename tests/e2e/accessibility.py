"""axe-core in a real page: the serious and critical WCAG 2.1 AA violations it finds.

The axe-core script is the one bundled by the pinned `axe-playwright-python` package, so the
check needs nothing but the app environment (no npm, no network).
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

AXE_SCRIPT = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def violations(page: Any) -> list[dict[str, Any]]:
    """Inject axe (unless there) and run the WCAG 2.1 A/AA rules on the whole page.

    Returns the serious and critical violations, each with the rule, its help text and the
    offending nodes' selectors (the widget's shadow DOM is searched too).
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    found = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
        }).then(r => r.violations)""",
        WCAG_AA,
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [
                {"target": n["target"], "summary": n.get("failureSummary", "")} for n in v["nodes"]
            ],
        }
        for v in found
        if v["impact"] in BLOCKING
    ]


def describe(found: list[dict[str, Any]]) -> str:
    """A readable list of violations for an assertion message."""
    lines = []
    for v in found:
        lines.append(f"{v['rule']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {n['target']}: {n['summary']}" for n in v["nodes"][:6])
    return "\n".join(lines)


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def _luminance(css_color: str) -> float:
    """The relative luminance (WCAG 2.1) of a computed `rgb(…)`/`rgba(…)` colour."""
    parts = css_color[css_color.index("(") + 1 : css_color.index(")")].replace("/", ",")
    red, green, blue = (float(p) for p in parts.replace(",", " ").split()[:3])
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two computed CSS colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def style(locator: Any, prop: str) -> str:
    """A computed CSS property of the element behind `locator` (shadow DOM included)."""
    return str(locator.evaluate("(e, p) => getComputedStyle(e).getPropertyValue(p)", prop))

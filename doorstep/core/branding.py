"""The company's brand colour on pages, kept readable (WCAG AA): used by the portal and the
help site (both are customer pages in the same design language)."""

from __future__ import annotations

import re

PAGE_BACKGROUND = "#f4f5f7"  # portal.css --bg


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _darker(hex_colour: str, factor: float) -> str:
    r, g, b = (int(int(hex_colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def accent_css(accent: str | None) -> str:
    """CSS variables that keep any brand colour readable (WCAG AA, 4.5:1).

    --on-accent: white or near-black text on the accent (header, buttons);
    --accent-ink: the accent, darkened if needed, for links and text on white.
    """
    accent = accent if accent and re.fullmatch(r"#[0-9a-fA-F]{6}", accent) else "#1f6feb"
    ink_dark = "#1c2430"
    on = "#ffffff" if _contrast(accent, "#ffffff") >= _contrast(accent, ink_dark) else ink_dark
    ink = accent
    for _ in range(20):
        # Readable on white (cards) and on the page's grey (--bg: links outside cards).
        if min(_contrast(ink, "#ffffff"), _contrast(ink, PAGE_BACKGROUND)) >= 4.5:
            break
        ink = _darker(ink, 0.85)
    return f"--accent:{accent};--on-accent:{on};--accent-ink:{ink};"

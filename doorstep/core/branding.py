"""The company's brand colour on customer pages (portal and help site), kept readable
(WCAG AA). The contrast rule itself is core/colour.py, shared with the office's warning."""

from __future__ import annotations

from functools import lru_cache

from .colour import HEX_COLOUR, readable_ink, text_on

DEFAULT_ACCENT = "#1f6feb"


# Once per brand colour, not once per page: readable_ink darkens step by step, each step two
# contrast ratios (about 40 us a page, for the same few colours over and over).
@lru_cache(maxsize=1024)
def accent_css(accent: str | None) -> str:
    """CSS variables that keep any brand colour readable (WCAG AA, 4.5:1).

    --on-accent: white or near-black text on the accent (header, buttons);
    --accent-ink: the accent, darkened if needed, for links and text on white and on the grey
    page background.
    """
    accent = accent if accent and HEX_COLOUR.fullmatch(accent) else DEFAULT_ACCENT
    return f"--accent:{accent};--on-accent:{text_on(accent)};--accent-ink:{readable_ink(accent)};"

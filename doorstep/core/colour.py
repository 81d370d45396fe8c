"""Colour contrast (WCAG 2.x): the one function the portal's accent handling and the office's
brand-colour warning share, so what staff are warned about is what customers get."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
WHITE = "#ffffff"
DARK_INK = "#1c2430"  # the portal's body text colour
AA_NORMAL_TEXT = 4.5
PAGE_BACKGROUND = "#f4f5f7"  # portal.css --bg: links outside cards sit on it


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """White or dark ink, whichever reads better on the colour (the portal's buttons)."""
    white, dark = contrast_ratio(background, WHITE), contrast_ratio(background, DARK_INK)
    return WHITE if white >= dark else DARK_INK


def darker(hex_colour: str, factor: float) -> str:
    r, g, b = (int(int(hex_colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def readable_ink(accent: str) -> str:
    """The accent, darkened until it reads as text on white (cards) and on the page's grey
    (links outside cards)."""
    ink = accent
    for _ in range(20):
        if min(contrast_ratio(ink, WHITE), contrast_ratio(ink, PAGE_BACKGROUND)) >= AA_NORMAL_TEXT:
            break
        ink = darker(ink, 0.85)
    return ink


def white_text_fails(accent: str) -> bool:
    """The brand-colour warning: white text on this colour is below WCAG AA (4.5:1)."""
    return contrast_ratio(accent, WHITE) < AA_NORMAL_TEXT


def accent_warning(accent: str) -> str:
    """Plain words for staff choosing a brand colour; empty when white text reads well on it.
    Says what the portal will do about it (text_on / readable_ink above)."""
    if not HEX_COLOUR.fullmatch(accent or ""):
        return ""
    on_white = contrast_ratio(accent, WHITE)
    if on_white >= AA_NORMAL_TEXT:
        return ""
    best = text_on(accent)
    best_ratio = contrast_ratio(accent, best)
    words = (
        f"White text on this colour is hard to read ({on_white:.1f}:1; at least "
        f"{AA_NORMAL_TEXT}:1 is needed)."
    )
    if best_ratio < AA_NORMAL_TEXT:
        return words + (
            f" Dark text is not much better ({best_ratio:.1f}:1): "
            "choose a darker or lighter colour."
        )
    return words + (
        " The portal will put dark text on it and show links in a darker shade, "
        f"{readable_ink(accent)}."
    )

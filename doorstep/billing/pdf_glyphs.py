"""Only characters a font on this machine can draw go into a PDF.

A customer named "O'Brien & Sons Plumbing 🚰" printed the emoji as an empty box: no font
WeasyPrint finds has it, and a box looks like a broken invoice. Rather than ship or download
a colour-emoji font, the PDF drops what no installed font covers (the coverage is read once
per process from the fonts' own character maps, so installing a font that has the glyph —
e.g. Debian's fonts-noto-color-emoji — brings it back without a code change).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
FONT_SUFFIXES = {".ttf", ".otf", ".ttc"}
# Whitespace is laid out, not drawn from a glyph.
ALWAYS_KEPT = frozenset(" \n\t\r")


@lru_cache(maxsize=1)
def drawable_code_points() -> frozenset[int]:
    """Every code point some installed font maps to a glyph (empty when none is found)."""
    from fontTools.ttLib import TTCollection, TTFont

    points: set[int] = set()
    for folder in FONT_DIRS:
        root = Path(folder)
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() not in FONT_SUFFIXES:
                continue
            try:
                if path.suffix.lower() == ".ttc":
                    fonts = list(TTCollection(str(path), lazy=True).fonts)
                else:
                    fonts = [TTFont(str(path), lazy=True)]
                for font in fonts:
                    points.update(font.getBestCmap() or {})
            except Exception:  # a broken font file must not break every invoice
                log.warning("Could not read the character map of %s", path)
    return frozenset(points)


def printable(text: str) -> str:
    """`text` without the characters no installed font can draw (spaces left behind by a
    dropped emoji are tidied). Unchanged when every character can be drawn."""
    drawable = drawable_code_points()
    if not drawable or all(ch in ALWAYS_KEPT or ord(ch) in drawable for ch in text):
        return text
    kept = "".join(ch for ch in text if ch in ALWAYS_KEPT or ord(ch) in drawable)
    return "\n".join(re.sub(r" {2,}", " ", line).strip(" ") for line in kept.split("\n"))


def printable_values(value: Any) -> Any:
    """`printable` applied to every string in a PDF's context (dicts and lists walked)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: printable_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable_values(item) for item in value]
    return value

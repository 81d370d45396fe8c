"""`{placeholder}` substitution for company-written text.

Companies write plain words; we replace only allow-listed names. Django templates never run
on company text, so a company cannot reach other variables, filters or tags. The result is
plain text: the email template escapes it when it goes into HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Anything in braces, to refuse look-alikes ({customer.email}, {{ x }}, {% tag %}) when saving.
BRACED = re.compile(r"\{([^{}]*)\}")


def placeholders_unknown(text: str, allowed: Iterable[str]) -> list[str]:
    allowed_set = set(allowed)
    return sorted({name for name in BRACED.findall(text) if name not in allowed_set})


def placeholders_fill(text: str, values: Mapping[str, object], allowed: Iterable[str]) -> str:
    """Replace {name} for allowed names; anything else is left exactly as written."""
    allowed_set = set(allowed)

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in allowed_set:
            return str(values.get(name, ""))
        return match.group(0)

    return PLACEHOLDER.sub(replace, text)

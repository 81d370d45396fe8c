"""Keep link tokens out of logs: request lines and "Not Found" warnings carry the path.

Attached in AccessConfig.ready() to the loggers that print paths (runserver, Django's request
warnings, gunicorn's access log). Add `doorstep.access.logging.RedactLinkTokens` to any other
handler that logs URLs.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

# The token after a link prefix (sign-in, invoice, password, registration, unsubscribe) ...
TOKEN_IN_PATH = re.compile(
    r"(/p/[^/\s]+/(?:l|i|password/set|register/verify|unsubscribe)/)[^/\s?&#\"']+"
)
# ... and anything token-shaped anywhere else in the line (a query string, a Referer): our
# tokens are 43 characters of [A-Za-z0-9_-]; nothing a request line needs is that long.
TOKEN_ANYWHERE = re.compile(r"[A-Za-z0-9_-]{32,}")
PATH_LOGGERS = ("django.server", "django.request", "gunicorn.access", "uvicorn.access")


def redact(text: str) -> str:
    """The line without tokens. Percent-encoding is undone first: Django serves
    `/p/x/l%2F<token>` (or `%6C/<token>`) as the link itself, so such lines carry a token too.
    A line with nothing to redact is returned exactly as it was."""
    decoded = text
    for _ in range(3):  # %252F: encoded twice
        decoded, previous = unquote(decoded), decoded
        if decoded == previous:
            break
    cleaned = TOKEN_ANYWHERE.sub("[redacted]", TOKEN_IN_PATH.sub(r"\1[redacted]", decoded))
    return text if cleaned == decoded else cleaned


class RedactLinkTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    token_filter = RedactLinkTokens()
    for name in PATH_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactLinkTokens) for f in logger.filters):
            logger.addFilter(token_filter)

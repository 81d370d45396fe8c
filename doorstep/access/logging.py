"""Keep link tokens out of logs: request lines and "Not Found" warnings carry the path.

Attached in AccessConfig.ready() to the loggers that print paths (runserver, Django's request
warnings, gunicorn's access log). Add `doorstep.access.logging.RedactLinkTokens` to any other
handler that logs URLs.
"""

from __future__ import annotations

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/p/[\w-]+/(?:l|i|password/set|register/verify)/)[^/\s?\"']+")
PATH_LOGGERS = ("django.server", "django.request", "gunicorn.access", "uvicorn.access")


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[redacted]", text)


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

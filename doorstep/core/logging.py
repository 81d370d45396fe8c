"""Log filters and the JSON formatter installed by config/settings.py LOGGING (LOG_FORMAT)."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from .request_context import current_request_id


class NoTracebackBelow500(logging.Filter):
    """A 4xx answer is the client's mistake (a forged form, a missing CSRF token, a page the
    user may not see): log one line, never a traceback that looks like a bug in the logs.
    Django attaches the PermissionDenied exception to its "Forbidden" warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


# --- What a log line may never carry ---------------------------------------------------------
# doorstep/access/logging.py already redacts link tokens on the loggers that print paths
# (including percent-encoded ones). This filter sits on the handler, so it is the backstop for
# every other logger, and adds email addresses and card numbers. Tokens: 32+ characters of
# [A-Za-z0-9_-]; task and row ids are UUIDs (hyphens at fixed places) and stay readable.
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])"
TOKEN = re.compile(rf"(?<![\w-])(?!{_UUID})[A-Za-z0-9_-]{{32,}}")
EMAIL = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def _luhn(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def redact(text: str) -> str:
    """Tokens out, emails masked to their first letter and domain, card numbers out."""
    text = TOKEN.sub("[redacted]", text)
    text = EMAIL.sub(r"\1***@\2", text)
    return CARD.sub(lambda m: "[card number]" if _luhn(m.group()) else m.group(), text)


class Redact(logging.Filter):
    """On every handler (config/settings.py LOGGING): the rendered message and every extra
    string field are redacted before any formatter sees them, whoever logged them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        for key in _extra_keys(record):
            value = record.__dict__[key]
            if isinstance(value, str) and key != "request_id":
                record.__dict__[key] = redact(value)
        return True


class RequestId(logging.Filter):
    """Every line written while a request is handled carries its request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id() or "-"
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def _extra_keys(record: logging.LogRecord) -> list[str]:
    return [key for key in vars(record) if key not in _STANDARD]


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request_id, then whatever
    the caller passed in `extra=` (the request and task lines: doorstep/core/request_log.py)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _extra_keys(record):
            value = record.__dict__[key]
            if value is None or value == "" or (key == "request_id" and value == "-"):
                continue
            line[key] = value if isinstance(value, int | float | bool | str) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["traceback"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)

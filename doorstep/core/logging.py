"""Log filters installed by config/settings.py LOGGING."""

from __future__ import annotations

import logging


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

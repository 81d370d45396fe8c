"""Development email backend: keep each email readable under var/mail/ and print a short note.

The whole MIME message would bury the worker's log, so the console gets who, what and where
the copy is (the .txt file holds the plain-text body with its links, ready to copy).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone
from django.utils.text import slugify


class ConsoleAndFolderBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(settings.EMAIL_FOLDER)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            base = folder / f"{stamp}-{slugify(message.subject)[:60]}"
            base.with_suffix(".eml").write_bytes(message.message().as_bytes())
            base.with_suffix(".txt").write_text(
                f"To: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}"
            )
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    base.with_suffix(".html").write_text(str(content))
            sys.stdout.write(
                f"[email] to {', '.join(message.to)}: {message.subject}\n"
                f"        read it: {base.with_suffix('.txt')} (or .html in a browser)\n"
            )
            sys.stdout.flush()
        return len(email_messages)

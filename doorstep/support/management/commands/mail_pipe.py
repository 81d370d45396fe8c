"""`manage.py mail_pipe RECIPIENT < message`: hand one received email to the help desk from an
existing mail server's pipe transport (Postfix `pipe`, Exim `pipe`; docs/help-site.md).

Exit codes follow sysexits.h, which mail servers understand: 0 accepted (added or held),
67 (EX_NOUSER) no such reply address (the server bounces it), 75 (EX_TEMPFAIL) anything else
(the server keeps the message and tries again later: nothing is lost).
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from doorstep.support.inbound import Outcome, mail_receive

EX_OK, EX_NOUSER, EX_TEMPFAIL = 0, 67, 75


class Command(BaseCommand):
    help = "Add one email read from standard input to its help ticket."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("recipients", nargs="+", help="the envelope recipient(s)")

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = getattr(self, "stdin", None) or sys.stdin.buffer
        content = stdin.read(settings.HELP_INBOUND_MAX_BYTES + 1)
        if len(content) > settings.HELP_INBOUND_MAX_BYTES:
            self.stderr.write("message too large")
            sys.exit(EX_NOUSER)
        try:
            outcomes = [mail_receive(content, recipient=r) for r in options["recipients"]]
        except Exception as error:  # the mail server will try again later
            self.stderr.write(f"temporary failure: {error}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(", ".join(outcomes))
        if all(outcome == Outcome.UNKNOWN for outcome in outcomes):
            sys.exit(EX_NOUSER)

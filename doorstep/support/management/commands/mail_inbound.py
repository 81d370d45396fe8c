"""`manage.py mail_inbound`: an SMTP server that receives replies to help tickets.

Point the MX record of HELP_REPLY_DOMAIN at it (or relay to it from your mail server). It
accepts mail only for ticket reply addresses (help-<slug>+<token>@HELP_REPLY_DOMAIN); any
other recipient is refused at RCPT time (550), so it is never an open relay. Each accepted
message goes through support.inbound.mail_receive (quoted history cut; unknown senders held).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from doorstep.support.inbound import Outcome, mail_receive, parse_recipient, ticket_for_recipient

log = logging.getLogger(__name__)


def _known(address: str) -> bool:
    close_old_connections()
    return parse_recipient(address) is not None and ticket_for_recipient(address) is not None


def _receive(content: bytes, recipients: list[str]) -> list[Outcome]:
    close_old_connections()
    return [mail_receive(content, recipient=rcpt) for rcpt in recipients]


class InboundHandler:
    async def handle_RCPT(
        self, server: SMTP, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if not await sync_to_async(_known, thread_sensitive=False)(address):
            return "550 5.1.1 No such ticket reply address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        try:
            outcomes = await sync_to_async(_receive, thread_sensitive=False)(
                envelope.original_content or envelope.content, list(envelope.rcpt_tos)
            )
        except Exception:
            log.exception("inbound mail failed; the sending server will retry")
            return "451 4.3.0 Temporary failure, please retry"
        log.info("inbound mail: %s", ", ".join(outcomes))
        return "250 Message accepted"


def make_controller(host: str, port: int) -> Controller:
    return Controller(
        InboundHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.HELP_INBOUND_MAX_BYTES,
    )


class Command(BaseCommand):
    help = "Receive replies to help tickets by SMTP (see docs/help-site.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.HELP_INBOUND_HOST)
        parser.add_argument("--port", type=int, default=settings.HELP_INBOUND_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        controller = make_controller(options["host"], options["port"])
        controller.start()
        self.stdout.write(f"Receiving ticket replies on {options['host']}:{options['port']}")
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            loop.run_until_complete(stop.wait())
        finally:
            controller.stop()
            loop.close()

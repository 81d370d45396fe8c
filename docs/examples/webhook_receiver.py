"""A tiny receiver for Doorstep's webhooks (docs/api.md "Webhooks"): checks the signature with
the `standardwebhooks` library, skips deliveries it has already seen (same webhook-id), and
prints each invoice that was paid.

    pip install standardwebhooks
    DOORSTEP_WEBHOOK_SECRET=whsec_... python docs/examples/webhook_receiver.py

It listens on http://localhost:8765/doorstep-hooks (the demo endpoint's URL). Answer 2xx
quickly: anything else, or no answer within 15 s, is retried later.
"""

from __future__ import annotations

import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

VERIFIER = Webhook(os.environ["DOORSTEP_WEBHOOK_SECRET"])
SEEN: set[str] = set()  # keep these in your database in real life


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            event = VERIFIER.verify(body, dict(self.headers.items()))
        except WebhookVerificationError:
            self.send_response(400)  # not from Doorstep, or too old: refuse it
            self.end_headers()
            return
        if event["id"] not in SEEN:
            SEEN.add(event["id"])
            if event["type"] == "invoice.paid":
                invoice = event["data"]
                print(
                    f"Invoice {invoice['number']} (yours: {invoice['external_id']}) is paid: "
                    f"{invoice['amount_paid'] / 100:.2f} {invoice['currency']}"
                )
            else:
                print(f"{event['type']}: {json.dumps(event['data'])[:200]}")
        self.send_response(204)
        self.end_headers()


if __name__ == "__main__":
    HTTPServer(("localhost", 8765), Receiver).serve_forever()

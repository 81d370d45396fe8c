"""A local fake of the three Stripe endpoints Connect onboarding uses (localstripe has no
Connect): POST /v1/accounts, GET /v1/accounts/<id>, POST /v1/account_links. It speaks Stripe's
form-encoded requests and JSON answers, honours Idempotency-Key like Stripe does, and lets a
test say what the account still needs."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeConnect:
    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, Any]] = {}
        self.idempotent: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.requests: list[tuple[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _form(self) -> dict[str, str]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                return {k: v[0] for k, v in parse_qs(raw).items()}

            def do_POST(self) -> None:
                fake.requests.append(("POST", self.path))
                form = self._form()
                if self.path == "/v1/accounts":
                    key = self.headers.get("Idempotency-Key", "")
                    if key in fake.idempotent:
                        return self._answer(200, fake.accounts[fake.idempotent[key]])
                    account = fake.account_new(email=form.get("email", ""))
                    if key:
                        fake.idempotent[key] = account["id"]
                    return self._answer(200, account)
                if self.path == "/v1/account_links":
                    if form.get("account") not in fake.accounts:
                        return self._answer(
                            400,
                            {
                                "error": {
                                    "type": "invalid_request_error",
                                    "message": "No such account",
                                }
                            },
                        )
                    fake.links.append(form)
                    url = f"https://connect.stripe.test/setup/{form['account']}/{len(fake.links)}"
                    return self._answer(200, {"object": "account_link", "url": url})
                self._answer(404, {"error": {"type": "invalid_request_error", "message": "?"}})

            def do_GET(self) -> None:
                fake.requests.append(("GET", self.path))
                account_id = self.path.removeprefix("/v1/accounts/").split("?")[0]
                if account_id in fake.accounts:
                    return self._answer(200, fake.accounts[account_id])
                self._answer(
                    404, {"error": {"type": "invalid_request_error", "message": "No such account"}}
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def account_new(self, *, email: str) -> dict[str, Any]:
        account_id = f"acct_fake{len(self.accounts) + 1:04d}"
        self.accounts[account_id] = {
            "id": account_id,
            "object": "account",
            "email": email,
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "requirements": {
                "currently_due": [
                    "external_account",
                    "tos_acceptance.date",
                    "business_profile.url",
                ],
                "past_due": [],
                "disabled_reason": "requirements.past_due",
            },
        }
        return self.accounts[account_id]

    def complete(self, account_id: str) -> None:
        self.accounts[account_id].update(
            charges_enabled=True,
            payouts_enabled=True,
            details_submitted=True,
            requirements={"currently_due": [], "past_due": [], "disabled_reason": None},
        )

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

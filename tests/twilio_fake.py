"""A tiny HTTP server standing in for api.twilio.com: it records what the Twilio SDK sent."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest


@dataclass
class Received:
    method: str
    path: str
    form: dict[str, str]
    auth: tuple[str, str]


@dataclass
class FakeTwilio:
    url: str
    requests: list[Received] = field(default_factory=list)
    fail_next: int = 0

    @property
    def texts(self) -> list[Received]:
        return [r for r in self.requests if r.path.endswith("/Messages.json")]


def _handler(state: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            header = self.headers.get("Authorization", "")
            user, _, password = base64.b64decode(header.split(" ", 1)[-1]).decode().partition(":")
            state.requests.append(Received("POST", self.path, form, (user, password)))
            if state.fail_next:
                state.fail_next -= 1
                self._reply(500, {"code": 20500, "message": "Internal error", "status": 500})
                return
            self._reply(
                201,
                {
                    "sid": f"SM{len(state.requests):032d}",
                    "status": "queued",
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "body": form.get("Body"),
                },
            )

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def twilio(settings: Any) -> Iterator[FakeTwilio]:
    fake = FakeTwilio("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.TWILIO_API_BASE = fake.url
    yield fake
    server.shutdown()
    server.server_close()

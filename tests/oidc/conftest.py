"""A real OpenID Connect provider (django-oauth-toolkit, tests/oidc/provider_server.py) in its
own process for the whole test session, and helpers to walk its login form."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Provider:
    issuer: str
    base: str

    def setup(self, *, client_id: str, secret: str, redirect_uris: list[str], users: list[dict]):
        body = {
            "client": {"id": client_id, "secret": secret, "redirect_uris": redirect_uris},
            "users": users,
        }
        response = requests.post(f"{self.base}/test/setup", data=json.dumps(body), timeout=10)
        response.raise_for_status()

    def log_in(self, authorize_url: str, username: str, password: str) -> str:
        """Open the authorization URL as a browser would, sign in on the provider's form, and
        return where the provider sends the browser back (our callback, with code and state)."""
        browser = requests.Session()
        page = browser.get(authorize_url, timeout=10)
        assert "Test identity provider" in page.text, page.text[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = browser.post(
            page.url,
            data={
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": password,
                "next": re.search(r'name="next" value="([^"]*)"', page.text)
                .group(1)
                .replace("&amp;", "&"),
            },
            headers={"Referer": page.url},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text[:500]
        # Follow the provider's own redirects until it points outside itself.
        location = answer.headers["Location"]
        while location.startswith("/") or location.startswith(self.base):
            step = browser.get(
                location if location.startswith("http") else self.base + location,
                allow_redirects=False,
                timeout=10,
            )
            assert step.status_code == 302, step.text[:500]
            location = step.headers["Location"]
        return location


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: Any) -> Iterator[Provider]:
    port = _free_port()
    db = tmp_path_factory.mktemp("oidc") / "provider.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc.provider_server", str(port), str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert '"ready": true' in line, f"provider did not start: {line!r}"
        info = json.loads(line)
        yield Provider(issuer=info["issuer"], base=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=10)

"""localstripe: a fake Stripe server started for the test session from the venv's bin."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..smtp import free_port


def localstripe_binary() -> str | None:
    candidate = Path(sys.executable).parent / "localstripe"
    return str(candidate) if candidate.exists() else shutil.which("localstripe")


@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory: Any) -> Iterator[str]:
    binary = localstripe_binary()
    if binary is None:
        pytest.skip("localstripe is not installed (pip install localstripe)")
    port = free_port()
    log = (tmp_path_factory.mktemp("localstripe") / "localstripe.log").open("w")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--from-scratch"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path_factory.mktemp("localstripe-cwd"),
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.1)
    yield f"http://localhost:{port}"
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def localstripe(localstripe_url: str, settings: Any) -> str:
    """Point the Stripe provider at a clean localstripe."""
    request = urllib.request.Request(f"{localstripe_url}/_config/data", method="DELETE")
    urllib.request.urlopen(request, timeout=5).close()
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_SECRET_KEY = "sk_test_12345"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_12345"
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_doorstep"
    return localstripe_url

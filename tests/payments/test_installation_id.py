"""DOORSTEP_INSTALLATION_ID: stable per installation, different between installations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_ID = "from django.conf import settings; print(settings.DOORSTEP_INSTALLATION_ID)"


def installation_id(var_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DOORSTEP_TESTING": "0",
        "DOORSTEP_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env,
    }
    for name in ("DOORSTEP_INSTALLATION_ID", "SECRET_KEY", "DEBUG"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_ID}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_development_generates_one_and_keeps_it(tmp_path):
    first = installation_id(tmp_path).stdout.strip()
    assert len(first) == 16 and (tmp_path / "installation_id").read_text().strip() == first
    assert installation_id(tmp_path).stdout.strip() == first
    assert installation_id(tmp_path / "other").stdout.strip() != first  # another checkout


def test_production_derives_it_from_the_secret_key_or_takes_the_setting(tmp_path):
    prod = {"DEBUG": "false", "SECRET_KEY": "a-production-secret-key-" + "x" * 30}
    derived = installation_id(tmp_path, **prod).stdout.strip()
    assert len(derived) == 16
    assert installation_id(tmp_path / "web2", **prod).stdout.strip() == derived  # every process
    other = {**prod, "SECRET_KEY": "the-staging-secret-key-" + "y" * 30}
    assert installation_id(tmp_path, **other).stdout.strip() != derived
    assert not (tmp_path / "installation_id").exists()
    named = installation_id(tmp_path, **prod, DOORSTEP_INSTALLATION_ID="eu-prod-1")
    assert named.stdout.strip() == "eu-prod-1"
    refused = installation_id(tmp_path, **prod, DOORSTEP_INSTALLATION_ID="has spaces!")
    assert refused.returncode != 0 and "DOORSTEP_INSTALLATION_ID must be" in refused.stderr

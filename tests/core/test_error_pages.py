"""With DEBUG off, errors are plain branded pages: never a stack trace, never internals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from ..factories import CustomerFactory, make_invoice, staff_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


def test_404_is_branded_and_plain(production, client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We couldn&#x27;t find that page" in body or "We couldn't find that page" in body
    assert "Traceback" not in body and "urlpatterns" not in body


@pytest.mark.urls("tests.core.error_urls")
def test_500_is_branded_and_tells_nothing(production):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "secret internal detail" not in body and "Traceback" not in body


@pytest.mark.urls("tests.core.error_urls")
def test_a_broken_business_rule_is_a_plain_page_with_its_message(production):
    response = Client(raise_request_exception=False).get("/rule/")
    assert response.status_code == 400
    assert "That invoice is already paid." in response.content.decode()


def test_a_malformed_back_office_address_is_not_an_error(production, company):
    invoice = make_invoice(CustomerFactory(company=company))
    client = Client(raise_request_exception=False)
    client.force_login(staff_user(company))
    response = client.get("/office/admin/billing/invoice/not-a-number/change/", follow=True)
    assert response.status_code == 200  # back to the index with "doesn't exist"
    assert client.get(f"/office/admin/billing/invoice/{invoice.pk}/history/").status_code == 200


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x7Rk2-production-like-secret-key-for-the-deploy-check-0123456789abcdef",
        "ALLOWED_HOSTS": "doorstep.example.com",
        "BASE_URL": "https://doorstep.example.com",
        "DOORSTEP_VAR_DIR": str(tmp_path),
        "DOORSTEP_TESTING": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "DOORSTEP_TESTING": "0",
        "DOORSTEP_VAR_DIR": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr

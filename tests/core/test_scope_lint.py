"""The scope lint (tools/scope_lint.py, run by `make lint`) refuses hand-written company
filters in pages and role checks that take no company, and passes the code base as it is."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("scope_lint", ROOT / "tools" / "scope_lint.py")
assert spec and spec.loader
scope_lint = importlib.util.module_from_spec(spec)
sys.modules["scope_lint"] = scope_lint  # dataclasses look their module up
spec.loader.exec_module(scope_lint)


def findings(source: str, path: str) -> list[str]:
    return [f.message for f in scope_lint.check_source(source, Path(path))]


def test_a_page_that_filters_by_company_by_hand_is_refused():
    page = "def view(request, company):\n    return Invoice.objects.filter(company=company)\n"
    assert findings(page, "doorstep/portal/invoices.py")
    assert findings(page, "doorstep/billing/views.py")
    assert findings(page.replace("filter(company=", "get(company_id="), "doorstep/backoffice/x.py")


def test_selectors_and_services_are_where_company_filters_live():
    read = "def invoices(*, company):\n    return Invoice.objects.filter(company=company)\n"
    assert findings(read, "doorstep/billing/selectors.py") == []
    assert findings(read, "doorstep/portal/selectors.py") == []
    assert findings(read, "doorstep/billing/services.py") == []


def test_a_reasoned_exception_is_allowed():
    line = "Invoice.objects.filter(company=company)  # scope: the company of the signed key\n"
    assert findings(line, "doorstep/portal/x.py") == []


def test_a_role_check_without_a_company_is_refused_anywhere():
    assert findings("staff_may(user=u, action=A.REFUND)\n", "doorstep/payments/refunds.py")
    assert findings("staff_may(user=u, company=c, action=A.REFUND)\n", "doorstep/x.py") == []
    any_company = "user.memberships.filter(role='billing').exists()\n"
    assert findings(any_company, "doorstep/payments/admin.py")
    here = "user.memberships.filter(role='billing', company=c).exists()\n"
    assert findings(here, "doorstep/tenancy/roles.py") == []


def test_the_code_base_passes():
    run = subprocess.run(
        [sys.executable, "tools/scope_lint.py", "doorstep"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout

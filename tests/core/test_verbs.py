"""The audit verb catalogue (core/verbs.py) is the one list of audit events: writers pass a
Verb, and verbs built from a state or a model name are all in it."""

from __future__ import annotations

import ast
from pathlib import Path

from django.contrib import admin

from doorstep.backoffice.history import AuditedAdmin
from doorstep.billing.models import EstimateState
from doorstep.core.verbs import Verb
from doorstep.payments.models import PaymentState

ROOT = Path(__file__).resolve().parents[2]


def test_every_state_change_has_its_verb():
    for state in PaymentState:
        assert Verb(f"payment.{state}")
    for state in EstimateState:
        assert Verb(f"estimate.{state}")
    assert Verb("sms.stop") and Verb("sms.start")


def test_every_audited_back_office_page_has_its_created_and_changed_verbs():
    audited = [m for m, a in admin.site._registry.items() if isinstance(a, AuditedAdmin)]
    assert audited
    for model in audited:
        assert Verb(f"{model._meta.model_name}.created")
        assert Verb(f"{model._meta.model_name}.changed")


def test_no_writer_passes_a_string_verb():
    offenders = []
    for path in (ROOT / "doorstep").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "verb":
                values = [node.value]
                if isinstance(node.value, ast.IfExp):
                    values = [node.value.body, node.value.orelse]
                for value in values:
                    if isinstance(value, ast.Constant | ast.JoinedStr):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    # The outbox's confirmation page takes a button label called `verb`: not an audit verb.
    offenders = [o for o in offenders if not o.startswith("doorstep/backoffice/outbox.py")]
    assert offenders == []

"""Changing a company's settings and branding from the office: one writer, audited with what
changed in plain words (the office history shows the message)."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from doorstep.core.audit import Actor, audit_record
from doorstep.core.verbs import Verb

from .models import Company, CompanySettings
from .plans import PLANS


def _label(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


@transaction.atomic
def company_settings_change(
    *,
    company: Company,
    actor: Actor,
    settings_fields: dict[str, Any] | None = None,
    company_fields: dict[str, Any] | None = None,
    group: str,
    labels: dict[str, str] | None = None,
) -> list[str]:
    """Apply cleaned values (forms are allow-lists: the keys are fields the page offers) to the
    company's settings row and/or the company; write one audit row naming what changed.
    Returns the labels of the fields that changed (nothing changed: no write, no audit);
    `labels`: the words the page used for each field (else the model's)."""
    changed: list[str] = []
    data: dict[str, Any] = {}
    for instance, fields in ((company.settings, settings_fields), (company, company_fields)):
        if not fields:
            continue
        names = []
        for name, value in fields.items():
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                names.append(name)
                label = (labels or {}).get(name) or _label(type(instance), name)
                # A switch says which way it went: "Estimates (off)".
                if isinstance(value, bool):
                    label = f"{label} ({'on' if value else 'off'})"
                changed.append(label)
                # Files by name only; never secrets (the pages offer none).
                data[name] = value.name if hasattr(value, "name") else value
        if names:
            instance.full_clean(validate_unique=False)
            instance.save(update_fields=names)
    if changed:
        audit_record(
            company=company,
            target=company.settings,
            verb=Verb.SETTINGS_CHANGED,
            actor=actor,
            message=f"{group} settings changed: {', '.join(changed)}",
            data={"group": group, "fields": _jsonable(data)},
        )
    return changed


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    plain = str | int | bool | list | dict | None
    return {k: v if isinstance(v, plain) else str(v) for k, v in data.items()}


@transaction.atomic
def company_plan_set(*, company: Company, plan: str, actor: Actor) -> None:
    """The operator (a superuser) gives the company a plan; "" = the installation default."""
    if plan and plan not in PLANS:
        raise ValueError(f"Unknown plan {plan!r}")
    before = company.plan
    if before == plan:
        return
    company.plan = plan
    company.save(update_fields=["plan"])
    audit_record(
        company=company,
        target=company,
        verb=Verb.PLAN_CHANGED,
        actor=actor,
        message=f"Plan changed from {PLANS[before].name if before else 'the default'} to "
        f"{PLANS[plan].name if plan else 'the default'}",
        data={"before": before, "after": plan},
    )


__all__ = ["CompanySettings", "company_plan_set", "company_settings_change"]

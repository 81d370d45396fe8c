"""Staff rewording a customer message: the rules a wording must pass, the preview with sample
values, saving and resetting to the default (audited). Company text is never template code:
a wording with an unknown `{name}` or an unclosed brace is refused with a message that says
which names may be used; nothing is saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.template.loader import render_to_string

from doorstep.core.audit import Actor, audit_record
from doorstep.core.verbs import Verb

from .customer_notices import message_render, message_template_for
from .events import EVENTS, SAMPLE_VALUES
from .models import MessageTemplate, NotificationEvent
from .templating import placeholders_unknown
from .wording import BUILT_IN_BY_EVENT, wording_apply

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

FIELDS = ("email_subject", "email_body", "sms_body")


def wording_fields(event: str) -> tuple[str, ...]:
    """The parts of this message a company may reword (built-in emails have no text)."""
    spec = EVENTS[event]
    if not spec.email_subject and not spec.email_body:
        return ("sms_body",)
    if not spec.sms_body:
        return ("email_subject", "email_body")
    return FIELDS


def wording_problems(event: str, texts: dict[str, str]) -> dict[str, str]:
    """field -> what is wrong, in plain words. Empty: the wording may be saved."""
    spec = EVENTS[event]
    allowed = ", ".join("{" + name + "}" for name in spec.placeholders)
    problems: dict[str, str] = {}
    for field, text in texts.items():
        text = text or ""
        unknown = placeholders_unknown(text, spec.placeholders)
        if unknown:
            names = ", ".join("{" + name + "}" for name in unknown)
            problems[field] = f"Unknown placeholder: {names}. You can use: {allowed}."
        elif text.count("{") != text.count("}"):
            problems[field] = (
                "A brace { or } is not closed. Placeholders look like {customer_name}."
            )
    if event == NotificationEvent.PHONE_VERIFICATION and "{code}" not in (
        texts.get("sms_body") or "{code}"
    ):
        problems["sms_body"] = "The text must include {code}: it is the code itself."
    return problems


@dataclass(frozen=True)
class WordingPreview:
    subject: str
    email_text: str
    sms: str


def wording_preview(*, company: Company, event: str, texts: dict[str, str]) -> WordingPreview:
    """The message as a customer would get it, with sample values (nothing is saved).
    Built-in emails are rendered through their real templates, so the preview shows the
    details and links that stay around the company's words."""
    spec = EVENTS[event]
    subject = texts.get("email_subject") or spec.email_subject
    body = texts.get("email_body") or spec.email_body
    sms_text = texts.get("sms_body") or spec.sms_body
    built_in = BUILT_IN_BY_EVENT.get(event)
    if built_in is not None:
        context = wording_apply(
            company=company, email=built_in, context=dict(built_in.sample), texts=(subject, body)
        )
        context = {**context, "company": company}
        name = f"emails/{built_in.outbox_template}"
        rendered_subject = " ".join(
            render_to_string(f"{name}.subject.txt", context, using="text").split()
        )
        return WordingPreview(
            rendered_subject, render_to_string(f"{name}.txt", context, using="text"), ""
        )
    values = {**SAMPLE_VALUES, "company_name": company.name}
    subject, body, sms_text = message_render(
        spec=spec, texts=(subject, body, sms_text), values=values
    )
    email_text = ""
    if "email_body" in wording_fields(event):
        email_text = render_to_string(
            "emails/notice.txt",
            {
                "company": company,
                "heading": subject,
                "body": body,
                "button_url": values["portal_url"],
                "button_label": spec.button_label,
            },
            using="text",  # plain text, as email.py renders it
        )
    return WordingPreview(subject if email_text else "", email_text, sms_text)


def wording_current(*, company: Company, event: str) -> dict[str, str]:
    subject, body, sms = message_template_for(company=company, event=event)
    return {"email_subject": subject, "email_body": body, "sms_body": sms}


@transaction.atomic
def wording_save(*, company: Company, event: str, texts: dict[str, str], actor: Actor) -> list[str]:
    """Save the company's words (checked by wording_problems first). Returns changed fields."""
    if wording_problems(event, texts):
        raise ValueError("wording_problems must be empty before saving")
    row, _ = MessageTemplate.objects.get_or_create(
        company=company,
        event=event,
        defaults=dict(zip(FIELDS, message_template_for(company=company, event=event), strict=True)),
    )
    changed = [f for f in wording_fields(event) if f in texts and getattr(row, f) != texts[f]]
    for field in changed:
        setattr(row, field, texts[field])
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
        audit_record(
            company=company,
            target=row,
            verb=Verb.MESSAGE_TEMPLATE_CHANGED,
            actor=actor,
            message=f"Wording changed: {row.get_event_display()}",
            data={"fields": changed},
        )
    return changed


@transaction.atomic
def wording_reset(*, company: Company, event: str, actor: Actor) -> bool:
    """Back to Doorstep's default words. False when there was nothing to reset."""
    row = MessageTemplate.objects.for_company(company).filter(event=event).first()
    if row is None:
        return False
    label = row.get_event_display()
    audit_record(
        company=company,
        target=row,
        verb=Verb.MESSAGE_TEMPLATE_RESET,
        actor=actor,
        message=f"Wording reset to the default: {label}",
    )
    row.delete()
    return True

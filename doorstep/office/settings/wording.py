"""Every customer-facing email and text, in the company's words, with a live preview."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from doorstep.notifications.events import EVENTS
from doorstep.notifications.models import MessageTemplate, NotificationEvent
from doorstep.notifications.wording import BUILT_IN_BY_EVENT
from doorstep.notifications.wording_changes import (
    wording_current,
    wording_fields,
    wording_preview,
    wording_problems,
    wording_reset,
    wording_save,
)
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render
from .forms import WordingForm
from .groups import GROUPS

WORDING = StaffAction.EDIT_WORDING


def _event(event: str) -> str:
    if event not in EVENTS:
        raise Http404("No such message.")
    return event


@office_page(WORDING)
def wording_list(request: HttpRequest, office: Office) -> HttpResponse:
    reworded = set(
        MessageTemplate.objects.for_company(office.company).values_list("event", flat=True)
    )
    rows = [
        {
            "event": event,
            "label": NotificationEvent(event).label,
            "kind": "Email" if event in BUILT_IN_BY_EVENT else _channels(event),
            "reworded": event in reworded,
        }
        for event in EVENTS
    ]
    return office_render(
        request,
        office,
        "office/settings/wording_list.html",
        {"rows": rows, "groups": GROUPS, "current": "office:settings:wording"},
    )


def _channels(event: str) -> str:
    fields = wording_fields(event)
    if fields == ("sms_body",):
        return "Text"
    return "Email and text" if "sms_body" in fields else "Email"


def _form(request: HttpRequest, office: Office, event: str) -> WordingForm:
    return WordingForm(
        request.POST or None,
        initial=wording_current(company=office.company, event=event),
        fields=wording_fields(event),
        problems=lambda texts: wording_problems(event, texts),
    )


@office_page(WORDING)
def wording_edit(request: HttpRequest, office: Office, event: str) -> HttpResponse:
    event = _event(event)
    form = _form(request, office, event)
    if request.method == "POST" and form.is_valid():
        changed = wording_save(
            company=office.company, event=event, texts=form.cleaned_data, actor=office.actor
        )
        label = NotificationEvent(event).label
        if changed:
            messages.success(request, f"Saved the words of “{label}”.")
        else:
            messages.info(request, "Nothing to save: the words are unchanged.")
        return redirect("office:settings:wording_edit", event=event)
    texts = {name: form[name].value() or "" for name in form.fields}
    spec = EVENTS[event]
    return office_render(
        request,
        office,
        "office/settings/wording_edit.html",
        {
            "form": form,
            "event": event,
            "label": NotificationEvent(event).label,
            "placeholders": spec.placeholders,
            "preview": None
            if form.errors
            else wording_preview(company=office.company, event=event, texts=texts),
            "groups": GROUPS,
            "current": "office:settings:wording",
        },
        status=400 if form.errors else 200,
    )


@office_page(WORDING)
def wording_preview_part(request: HttpRequest, office: Office, event: str) -> HttpResponse:
    """htmx, as the words are typed: the preview, or what is wrong with the words."""
    event = _event(event)
    texts = {name: request.POST.get(name, "") for name in wording_fields(event)}
    problems = wording_problems(event, texts)
    return render(
        request,
        "office/settings/_wording_preview.html",
        {
            "problems": list(problems.values()),
            "preview": None
            if problems
            else wording_preview(company=office.company, event=event, texts=texts),
        },
    )


@office_page(WORDING)
def wording_reset_page(request: HttpRequest, office: Office, event: str) -> HttpResponse:
    event = _event(event)
    label = NotificationEvent(event).label
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        if wording_reset(company=office.company, event=event, actor=office.actor):
            messages.success(request, f"“{label}” is back to Doorstep's words.")
        else:
            messages.info(request, f"“{label}” already uses Doorstep's words.")
        return redirect("office:settings:wording_edit", event=event)
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": f"Put “{label}” back to Doorstep's words?",
            "details": [("What happens", "Your own words for this message are deleted.")],
            "confirm_label": "Reset to the default",
            "cancel_url": reverse("office:settings:wording_edit", args=[event]),
            "danger": True,
        },
    )

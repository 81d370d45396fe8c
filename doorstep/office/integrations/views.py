"""The office's Integrations page: the company's API keys, created (the key shown once),
rotated and revoked by owners. Rotate and revoke ask first."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from doorstep.core.errors import DomainError
from doorstep.integrations.keys import (
    api_key_create,
    api_key_find,
    api_key_revoke,
    api_key_rotate,
    api_keys_of,
)
from doorstep.integrations.models import ApiKey
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render
from .forms import ApiKeyForm

LIST = "office:integrations:list"


def _key(office: Office, pk: int) -> ApiKey:
    key = api_key_find(company=office.company, key_id=pk)
    if key is None:
        raise Http404
    return key


def _shown_once(request: HttpRequest, office: Office, key: ApiKey, raw: str) -> HttpResponse:
    response = office_render(
        request, office, "office/integrations/created.html", {"key": key, "raw": raw}
    )
    response["Cache-Control"] = "no-store"  # the key must not stay in any cache
    return response


@office_page(StaffAction.MANAGE_API_KEYS)
def key_list(request: HttpRequest, office: Office) -> HttpResponse:
    return office_render(
        request,
        office,
        "office/integrations/list.html",
        {"keys": api_keys_of(company=office.company), "now": timezone.now()},
    )


@office_page(StaffAction.MANAGE_API_KEYS)
def key_new(request: HttpRequest, office: Office) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_key_create(
                company=office.company,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
                actor=office.actor,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return _shown_once(request, office, issued.key, issued.raw)
    return office_render(request, office, "office/integrations/new.html", {"form": form})


@office_page(StaffAction.MANAGE_API_KEYS)
def key_rotate(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    key = _key(office, pk)
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            issued = api_key_rotate(company=office.company, key=key, actor=office.actor)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(LIST)
        return _shown_once(request, office, issued.key, issued.raw)
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": f"Replace the key \u201c{key.name}\u201d with a new one?",
            "details": [
                ("Key", key.prefix),
                ("The old key", "keeps working for 24 hours, then stops"),
            ],
            "confirm_label": "Make a new key",
            "cancel_url": reverse(LIST),
            "danger": False,
        },
    )


@office_page(StaffAction.MANAGE_API_KEYS)
def key_revoke(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    key = _key(office, pk)
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        api_key_revoke(company=office.company, key=key, actor=office.actor)
        messages.success(request, f"The key \u201c{key.name}\u201d ({key.prefix}) is revoked.")
        return redirect(LIST)
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": f"Revoke the key \u201c{key.name}\u201d?",
            "details": [
                ("Key", key.prefix),
                ("After this", "every request with this key is refused at once"),
            ],
            "confirm_label": "Revoke the key",
            "cancel_url": reverse(LIST),
            "danger": True,
        },
    )

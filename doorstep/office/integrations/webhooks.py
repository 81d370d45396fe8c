"""The office's webhook endpoints (Integrations → Webhooks): owners add, change, switch off,
rotate and delete endpoints, read the attempt log, resend one event, replay a time range and
send a test event. Destructive actions ask first; the secret is shown once."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from doorstep.core.errors import DomainError
from doorstep.integrations.models import WebhookDelivery, WebhookEndpoint
from doorstep.integrations.webhooks import endpoints as services
from doorstep.integrations.webhooks.outbox import webhook_replay, webhook_resend, webhook_test_send
from doorstep.integrations.webhooks.selectors import attempts_of_endpoint, deliveries_of_endpoint
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render
from .forms import WebhookEndpointForm, WebhookReplayForm

LIST = "office:integrations:webhooks"
DETAIL = "office:integrations:webhook"


def _endpoint(office: Office, pk: int) -> WebhookEndpoint:
    endpoint = services.webhook_endpoint_find(company=office.company, endpoint_id=pk)
    if endpoint is None:
        raise Http404
    return endpoint


def _shown_once(
    request: HttpRequest, office: Office, issued: services.IssuedEndpoint
) -> HttpResponse:
    response = office_render(
        request,
        office,
        "office/integrations/webhook_secret.html",
        {"endpoint": issued.endpoint, "secret": issued.secret},
    )
    response["Cache-Control"] = "no-store"  # the secret must not stay in any cache
    return response


def _form_error(form: WebhookEndpointForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_list(request: HttpRequest, office: Office) -> HttpResponse:
    return office_render(
        request,
        office,
        "office/integrations/webhooks.html",
        {"endpoints": services.webhook_endpoints_of(company=office.company)},
    )


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_new(request: HttpRequest, office: Office) -> HttpResponse:
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.webhook_endpoint_create(
                company=office.company,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                event_types=form.cleaned_data["event_types"],
                actor=office.actor,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            return _shown_once(request, office, issued)
    return office_render(
        request, office, "office/integrations/webhook_form.html", {"form": form, "endpoint": None}
    )


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    endpoint = _endpoint(office, pk)
    return office_render(
        request,
        office,
        "office/integrations/webhook.html",
        {
            "endpoint": endpoint,
            "deliveries": deliveries_of_endpoint(company=office.company, endpoint=endpoint),
            "attempts": attempts_of_endpoint(company=office.company, endpoint=endpoint),
            "replay_form": WebhookReplayForm(),
        },
    )


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_edit(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    endpoint = _endpoint(office, pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
    }
    form = WebhookEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_endpoint_update(
                company=office.company,
                endpoint=endpoint,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                event_types=form.cleaned_data["event_types"],
                actor=office.actor,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "The endpoint is saved.")
            return redirect(DETAIL, pk=endpoint.pk)
    return office_render(
        request,
        office,
        "office/integrations/webhook_form.html",
        {"form": form, "endpoint": endpoint},
    )


def _confirm(
    request: HttpRequest,
    office: Office,
    endpoint: WebhookEndpoint,
    *,
    question: str,
    after: str,
    label: str,
    danger: bool,
) -> HttpResponse:
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": question,
            "details": [("Endpoint", endpoint.url), ("After this", after)],
            "confirm_label": label,
            "cancel_url": reverse(DETAIL, args=[endpoint.pk]),
            "danger": danger,
        },
    )


def _confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirmed") == "1"


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_rotate(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    endpoint = _endpoint(office, pk)
    if _confirmed(request):
        issued = services.webhook_endpoint_rotate(
            company=office.company, endpoint=endpoint, actor=office.actor
        )
        return _shown_once(request, office, issued)
    return _confirm(
        request,
        office,
        endpoint,
        question="Make a new signing secret for this endpoint?",
        after="deliveries carry two signatures (old and new secret) for 24 hours, "
        "then only the new one",
        label="Make a new secret",
        danger=False,
    )


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_disable(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    endpoint = _endpoint(office, pk)
    if _confirmed(request):
        services.webhook_endpoint_disable(
            company=office.company,
            endpoint=endpoint,
            actor=office.actor,
            reason=f"Switched off by {office.actor.label}.",
        )
        messages.success(request, "The endpoint is switched off.")
        return redirect(DETAIL, pk=endpoint.pk)
    return _confirm(
        request,
        office,
        endpoint,
        question="Switch this endpoint off?",
        after="no events are sent to it until you switch it on again",
        label="Switch off",
        danger=True,
    )


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_enable(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    endpoint = _endpoint(office, pk)
    if request.method == "POST":
        services.webhook_endpoint_enable(
            company=office.company, endpoint=endpoint, actor=office.actor
        )
        messages.success(request, "The endpoint is switched on. Replay the events it missed below.")
    return redirect(DETAIL, pk=endpoint.pk)


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_delete(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    endpoint = _endpoint(office, pk)
    if _confirmed(request):
        services.webhook_endpoint_delete(
            company=office.company, endpoint=endpoint, actor=office.actor
        )
        messages.success(request, f"The endpoint {endpoint.url} is deleted.")
        return redirect(LIST)
    return _confirm(
        request,
        office,
        endpoint,
        question="Delete this endpoint?",
        after="it and its delivery log are removed; this cannot be undone",
        label="Delete the endpoint",
        danger=True,
    )


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_test(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    endpoint = _endpoint(office, pk)
    if request.method == "POST":
        try:
            webhook_test_send(company=office.company, endpoint=endpoint, actor=office.actor)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "A test event is on its way; its attempt appears below.")
    return redirect(DETAIL, pk=endpoint.pk)


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_replay_range(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    endpoint = _endpoint(office, pk)
    form = WebhookReplayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = webhook_replay(
                company=office.company,
                endpoint=endpoint,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                actor=office.actor,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"{count} events will be sent again.")
            return redirect(DETAIL, pk=endpoint.pk)
    return office_render(
        request,
        office,
        "office/integrations/webhook_replay.html",
        {"endpoint": endpoint, "form": form},
    )


@office_page(StaffAction.MANAGE_API_KEYS)
def webhook_delivery_resend(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    delivery = WebhookDelivery.objects.for_company(office.company).filter(pk=pk).first()
    if delivery is None:
        raise Http404
    if request.method == "POST":
        try:
            webhook_resend(company=office.company, delivery=delivery, actor=office.actor)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The event is sent again.")
    return redirect(DETAIL, pk=delivery.endpoint_id)

"""Portal pages: the customer's conversations with the office."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from doorstep.access.decorators import portal_view
from doorstep.access.portal_sessions import client_ip
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.uploads import serve_private_file

from . import selectors
from .forms import NewConversationForm, ReplyForm
from .models import Side
from .services import conversation_mark_read, conversation_start, message_post


def _page(
    request: HttpRequest, template: str, status: int = 200, **context: object
) -> HttpResponse:
    portal = request.portal  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {"company": portal.company, "portal": portal, "nav": "messages", **context},
        status=status,
    )


def _actor(request: HttpRequest) -> Actor:
    return Actor.portal(request.portal.account.email, client_ip(request))  # type: ignore[attr-defined]


@portal_view()
def conversation_list(request: HttpRequest, company_slug: str) -> HttpResponse:
    portal = request.portal  # type: ignore[attr-defined]
    conversations = list(
        selectors.conversations_for_customer(company=portal.company, customer=portal.customer)
    )
    return _page(
        request,
        "messaging/list.html",
        conversations=conversations,
        unread=sum(c.customer_unread for c in conversations),
    )


@portal_view()
def conversation_new(request: HttpRequest, company_slug: str) -> HttpResponseBase:
    portal = request.portal  # type: ignore[attr-defined]
    company, customer = portal.company, portal.customer
    topics = selectors.topics_for_customer(company=company, customer=customer)
    initial = {"about": request.GET.get("about", "general")}
    form = NewConversationForm(
        request.POST or None, request.FILES or None, topics=topics, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            topic, about_id = form.about_parts()
            try:
                conversation = conversation_start(
                    company=company,
                    customer=customer,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    topic=topic,
                    about_id=about_id,
                    photos=form.cleaned_data["photos"],
                    portal_account=portal.account,
                    actor=_actor(request),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect(reverse("messaging:detail", args=[company.slug, conversation.pk]))
        return _page(request, "messaging/new.html", status=400, form=form)
    return _page(request, "messaging/new.html", form=form)


@portal_view()
def conversation_detail(
    request: HttpRequest, company_slug: str, conversation_id: int
) -> HttpResponseBase:
    portal = request.portal  # type: ignore[attr-defined]
    company, customer = portal.company, portal.customer
    conversation = selectors.conversation_for_customer(
        company=company, customer=customer, conversation_id=conversation_id
    )
    if conversation is None:
        raise Http404("No such conversation.")
    form = ReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                message_post(
                    company=company,
                    conversation_id=conversation.pk,
                    side=Side.CUSTOMER,
                    body=form.cleaned_data["body"],
                    photos=form.cleaned_data["photos"],
                    portal_account=portal.account,
                    actor=_actor(request),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect(reverse("messaging:detail", args=[company.slug, conversation.pk]))
        status = 400
    else:
        conversation_mark_read(company=company, conversation=conversation, side=Side.CUSTOMER)
    return _page(
        request,
        "messaging/detail.html",
        status=status,
        conversation=conversation,
        thread=selectors.messages_in(company=company, conversation=conversation),
        form=form,
    )


@portal_view()
def attachment(
    request: HttpRequest, company_slug: str, conversation_id: int, attachment_id: int
) -> HttpResponseBase:
    portal = request.portal  # type: ignore[attr-defined]
    found = selectors.attachment_for_customer(
        company=portal.company,
        customer=portal.customer,
        conversation_id=conversation_id,
        attachment_id=attachment_id,
    )
    if found is None:
        raise Http404("No such attachment.")
    return serve_private_file(found.file, download_name=found.download_name)

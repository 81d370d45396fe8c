"""The portal's "Get help" pages: a signed-in customer's help requests (tickets), a form to
send one (no email confirmation: signing in proved the address; the ticket is attached to
the customer and contact), one request with its replies, and its photos.

The rules are support.tickets'; the help site (/h/<slug>/) shows the same requests."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from doorstep.access.portal_sessions import PortalIdentity, client_ip
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.links import help_url
from doorstep.core.uploads import serve_private_file
from doorstep.support import selectors
from doorstep.support.models import TicketSource
from doorstep.support.tickets import (
    Requester,
    may_customer_reply,
    may_reopen,
    ticket_customer_reply,
    ticket_file,
    ticket_reopen,
)

from .gate import portal_page
from .help_request_forms import HelpReplyForm, HelpRequestForm
from .pages import portal_render


def _actor(request: HttpRequest, identity: PortalIdentity) -> Actor:
    return Actor.portal(identity.contact.name or identity.account.email, client_ip(request))


@portal_page
def help_list(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    closed = request.GET.get("show") == "closed"
    tickets = list(
        selectors.customer_tickets(
            company=identity.company, customer=identity.customer, closed=closed
        ).only("id", "subject", "state", "updated_at")
    )
    return portal_render(
        request,
        identity,
        "portal/help_list.html",
        nav="help",
        tickets=tickets,
        closed=closed,
        help_site=help_url(identity.company),
    )


@portal_page
def help_new(request: HttpRequest, identity: PortalIdentity) -> HttpResponseBase:
    form = HelpRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_file(
                company=identity.company,
                requester=Requester(
                    email=identity.contact.email_address,
                    name=identity.contact.name,
                    customer=identity.customer,
                    contact=identity.contact,
                ),
                subject=data["subject"],
                body=data["body"],
                photos=data["photos"],
                source=TicketSource.PORTAL,
                actor=_actor(request, identity),
                ip_address=client_ip(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Thank you: your request #{ticket.pk} is with us.")
            return redirect("support:detail", identity.company.slug, ticket.pk)
    status = 400 if request.method == "POST" else 200
    return portal_render(
        request, identity, "portal/help_new.html", nav="help", form=form, http_status=status
    )


@portal_page
def help_detail(request: HttpRequest, identity: PortalIdentity, ticket_id: int) -> HttpResponseBase:
    ticket = selectors.customer_ticket(
        company=identity.company, customer=identity.customer, ticket_id=ticket_id
    )
    if ticket is None:
        raise Http404("No such request.")
    here = reverse("support:detail", args=[identity.company.slug, ticket.pk])
    form = HelpReplyForm()
    status = 200
    if request.method == "POST":
        form = HelpReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                if request.POST.get("action") == "reopen":
                    ticket_reopen(
                        company=identity.company,
                        ticket_id=ticket.pk,
                        actor=_actor(request, identity),
                    )
                    messages.success(request, "Your request is open again.")
                else:
                    ticket_customer_reply(
                        company=identity.company,
                        ticket_id=ticket.pk,
                        body=form.cleaned_data["body"],
                        photos=form.cleaned_data["photos"],
                        actor=_actor(request, identity),
                    )
                    messages.success(request, "Your reply was added.")
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect(here)
        status = 400
    return portal_render(
        request,
        identity,
        "portal/help_detail.html",
        nav="help",
        http_status=status,
        ticket=ticket,
        form=form,
        here=here,
        thread=selectors.customer_messages(company=identity.company, ticket=ticket),
        may_reply=may_customer_reply(ticket),
        may_reopen=may_reopen(ticket),
    )


@portal_page
def help_photo(
    request: HttpRequest, identity: PortalIdentity, ticket_id: int, attachment_id: int
) -> HttpResponseBase:
    ticket = selectors.customer_ticket(
        company=identity.company, customer=identity.customer, ticket_id=ticket_id
    )
    attachment = (
        selectors.ticket_attachment(
            company=identity.company, ticket=ticket, attachment_id=attachment_id
        )
        if ticket is not None
        else None
    )
    if ticket is None or attachment is None:
        raise Http404("No such file.")
    return serve_private_file(
        attachment.file,
        download_name=f"request-{ticket.pk}-photo-{attachment.pk}.{attachment.extension}",
    )

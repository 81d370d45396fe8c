"""The help site's request pages: the form (visitor or signed in), the confirmation link,
"my requests", one request (signed in, or through its emailed access link), its photos."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from doorstep.access.portal_sessions import client_ip
from doorstep.access.throttle import throttle_exceeded, throttle_hit
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.uploads import serve_private_file
from doorstep.support import selectors
from doorstep.support.models import Article, Ticket, TicketSource
from doorstep.support.tickets import (
    Requester,
    may_customer_reply,
    may_reopen,
    ticket_customer_reply,
    ticket_file,
    ticket_reopen,
    ticket_verify,
)

from .articles import help_render
from .forms import PublicTicketForm, ReplyForm, TicketForm
from .identity import HelpSite, help_page

TOO_MANY = "Too many requests from here in a short time. Please try again in an hour."
TOO_MANY_EMAILS = (
    "We already sent several confirmation emails to this address today. Please look for them "
    "(also in your spam folder) and click the link."
)


def _actor(request: HttpRequest, site: HelpSite, fallback: str) -> Actor:
    label = site.identity.contact.name if site.identity else fallback
    return Actor.portal(label or fallback, client_ip(request))


def _article(site: HelpSite, value: Any) -> Article | None:
    try:
        article_id = int(value)
    except (TypeError, ValueError):
        return None
    return (
        selectors.articles_visible(company=site.company, signed_in=site.identity is not None)
        .filter(pk=article_id)
        .first()
    )


def _add_errors(form: Any, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@help_page
def ticket_new(request: HttpRequest, site: HelpSite) -> HttpResponseBase:
    form_class = TicketForm if site.identity else PublicTicketForm
    article = _article(site, request.POST.get("article") or request.GET.get("article"))
    if request.method != "POST":
        form = form_class(initial={"article": article.pk if article else None})
        return help_render(
            request, site, "helpdesk/ticket_new.html", {"form": form, "article": article}
        )
    form = form_class(request.POST, request.FILES)
    ip = client_ip(request)
    if form.is_valid():
        data = form.cleaned_data
        if not site.identity and data.get("website"):
            # The honeypot was filled in: a bot. Answer as if it worked; nothing is kept.
            return redirect("helpdesk:ticket_sent", site.company.slug)
        try:
            ticket = _file(request, site, data, article, ip)
        except DomainError as error:
            _add_errors(form, error)
        else:
            if site.identity:
                messages.success(request, f"Thank you: your request #{ticket.pk} is with us.")
                return redirect("helpdesk:my_ticket", site.company.slug, ticket.pk)
            return redirect("helpdesk:ticket_sent", site.company.slug)
    return help_render(
        request, site, "helpdesk/ticket_new.html", {"form": form, "article": article}, status=400
    )


def _file(
    request: HttpRequest,
    site: HelpSite,
    data: dict[str, Any],
    article: Article | None,
    ip: str | None,
) -> Ticket:
    identity = site.identity
    common = {
        "company": site.company,
        "subject": data["subject"],
        "body": data["body"],
        "article": article,
        "photos": data.get("photos") or [],
        "ip_address": ip,
    }
    if identity is not None:
        return ticket_file(
            requester=Requester(
                email=identity.contact.email_address,
                name=identity.contact.name,
                customer=identity.customer,
                contact=identity.contact,
            ),
            source=TicketSource.SSO,
            actor=_actor(request, site, identity.contact.name),
            **common,
        )
    email = data["email"].strip().lower()
    if throttle_exceeded("help_ticket_ip", ip) or throttle_exceeded("help_ticket_address", email):
        raise DomainError(TOO_MANY)
    if throttle_exceeded("help_verify_address", email):
        raise DomainError(TOO_MANY_EMAILS, field="email")
    throttle_hit("help_ticket_ip", ip)
    throttle_hit("help_ticket_address", email)
    ticket = ticket_file(
        requester=Requester(email=email, name=data["name"]),
        source=TicketSource.PUBLIC,
        actor=Actor.portal(email, ip),
        **common,
    )
    throttle_hit("help_verify_address", email)
    return ticket


@help_page
def ticket_sent(request: HttpRequest, site: HelpSite) -> HttpResponse:
    return help_render(request, site, "helpdesk/ticket_sent.html")


def _secret_headers(response: HttpResponseBase) -> HttpResponseBase:
    # The URL holds a secret: never a Referer, never cached.
    response["Referrer-Policy"] = "strict-origin"
    response["Cache-Control"] = "no-store"
    return response


@help_page
def ticket_confirm(request: HttpRequest, site: HelpSite, token: str) -> HttpResponseBase:
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    if request.method != "POST":
        return _secret_headers(help_render(request, site, "helpdesk/ticket_confirm.html"))
    try:
        ticket = ticket_verify(company=site.company, raw_token=token, ip_address=client_ip(request))
    except DomainError as error:
        return _secret_headers(
            help_render(
                request, site, "helpdesk/ticket_confirm.html", {"error": error.message}, status=400
            )
        )
    return _secret_headers(
        help_render(request, site, "helpdesk/ticket_confirmed.html", {"ticket": ticket})
    )


@help_page(signed_in=True)
def my_tickets(request: HttpRequest, site: HelpSite) -> HttpResponse:
    assert site.identity is not None
    closed = request.GET.get("show") == "closed"
    tickets = list(
        selectors.customer_tickets(
            company=site.company, customer=site.identity.customer, closed=closed
        ).only("id", "subject", "state", "updated_at")
    )
    return help_render(
        request, site, "helpdesk/my_tickets.html", {"tickets": tickets, "closed": closed}
    )


def _thread(
    request: HttpRequest, site: HelpSite, ticket: Ticket, here: str, files_base: str
) -> HttpResponseBase:
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            actor = _actor(request, site, ticket.requester_name or ticket.requester_email)
            try:
                if request.POST.get("action") == "reopen":
                    ticket_reopen(company=site.company, ticket_id=ticket.pk, actor=actor)
                    messages.success(request, "Your request is open again.")
                else:
                    ticket_customer_reply(
                        company=site.company,
                        ticket_id=ticket.pk,
                        actor=actor,
                        body=form.cleaned_data["body"],
                        photos=form.cleaned_data["photos"],
                    )
                    messages.success(request, "Your reply was added.")
            except DomainError as error:
                _add_errors(form, error)
            else:
                return redirect(here)
        status = 400
    context = {
        "ticket": ticket,
        "thread": selectors.customer_messages(company=site.company, ticket=ticket),
        "form": form,
        "may_reply": may_customer_reply(ticket),
        "may_reopen": may_reopen(ticket),
        "here": here,
        "files_base": files_base,
    }
    return help_render(request, site, "helpdesk/ticket_detail.html", context, status=status)


@help_page(signed_in=True)
def my_ticket(request: HttpRequest, site: HelpSite, ticket_id: int) -> HttpResponseBase:
    assert site.identity is not None
    ticket = selectors.customer_ticket(
        company=site.company, customer=site.identity.customer, ticket_id=ticket_id
    )
    if ticket is None:
        raise Http404("No such request.")
    here = reverse("helpdesk:my_ticket", args=[site.company.slug, ticket.pk])
    return _thread(request, site, ticket, here, here + "files/")


@help_page
def link_ticket(request: HttpRequest, site: HelpSite, token: str) -> HttpResponseBase:
    """The request behind its emailed access link (no sign-in needed; revocable)."""
    ticket = selectors.ticket_by_access_token(company=site.company, raw=token)
    if ticket is None:
        return _secret_headers(help_render(request, site, "helpdesk/link_refused.html", status=404))
    here = reverse("helpdesk:link_ticket", args=[site.company.slug, token])
    return _secret_headers(_thread(request, site, ticket, here, here + "files/"))


def _serve(site: HelpSite, ticket: Ticket | None, attachment_id: int) -> HttpResponseBase:
    attachment = (
        selectors.ticket_attachment(
            company=site.company, ticket=ticket, attachment_id=attachment_id
        )
        if ticket is not None
        else None
    )
    if attachment is None:
        raise Http404("No such file.")
    return serve_private_file(
        attachment.file,
        download_name=f"request-{ticket.pk}-photo-{attachment.pk}."  # type: ignore[union-attr]
        f"{attachment.extension}",
    )


@help_page(signed_in=True)
def my_ticket_file(
    request: HttpRequest, site: HelpSite, ticket_id: int, attachment_id: int
) -> HttpResponseBase:
    assert site.identity is not None
    ticket = selectors.customer_ticket(
        company=site.company, customer=site.identity.customer, ticket_id=ticket_id
    )
    return _serve(site, ticket, attachment_id)


@help_page
def link_ticket_file(
    request: HttpRequest, site: HelpSite, token: str, attachment_id: int
) -> HttpResponseBase:
    ticket = selectors.ticket_by_access_token(company=site.company, raw=token)
    return _secret_headers(_serve(site, ticket, attachment_id))

"""The office's help area: the ticket queue, one ticket (replies, internal notes, triage,
held emails, revoking its link), unconfirmed public requests (release or purge), blocked
senders and the help articles.

Tickets are answered by those who may message customers (StaffAction.MESSAGE_CUSTOMERS: a
ticket is a conversation with a customer); articles are written by those who may edit the
company's wording (StaffAction.EDIT_WORDING)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from doorstep.core.errors import DomainError
from doorstep.support import selectors
from doorstep.support.articles import article_save, category_save
from doorstep.support.blocklist import block_sender, unblock_sender
from doorstep.support.inbound import held_mail_decide
from doorstep.support.models import MessageKind, Ticket
from doorstep.support.selectors import QUEUE_FILTERS
from doorstep.support.tickets import (
    ticket_access_rotate,
    ticket_assign,
    ticket_purge,
    ticket_release,
    ticket_set_priority,
    ticket_set_state,
    ticket_staff_reply,
)
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render, window_of
from .forms import ArticleForm, BlockForm, ReplyForm, TriageForm

ANSWER = StaffAction.MESSAGE_CUSTOMERS
WRITE = StaffAction.EDIT_WORDING


def _error_into(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@office_page(ANSWER)
def ticket_list(request: HttpRequest, office: Office) -> HttpResponse:
    status = request.GET.get("status", "open")
    status = status if status in QUEUE_FILTERS else "open"
    mine = request.GET.get("mine") == "1"
    tickets = selectors.ticket_queue(
        company=office.company, status=status, mine_user=office.user if mine else None
    )
    context = {
        "window": window_of(request, tickets),
        "status": status,
        "mine": mine,
        "statuses": [(key, key.capitalize()) for key in QUEUE_FILTERS],
        "unconfirmed": selectors.unverified_tickets(company=office.company).count(),
    }
    return office_render(request, office, "office/help/list.html", context)


def _staff_choices(office: Office) -> list[tuple[int, str]]:
    return [
        (u.pk, u.get_full_name() or u.get_username())
        for u in selectors.ticket_staff(company=office.company)
    ]


@office_page(ANSWER)
def ticket_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    ticket = selectors.staff_ticket(company=office.company, ticket_id=pk)
    if ticket is None:
        raise Http404("No such ticket.")
    staff = _staff_choices(office)
    reply = ReplyForm()
    triage = TriageForm(
        staff=staff,
        initial={
            "assignee": ticket.assignee_id,
            "priority": ticket.priority,
            "state": ticket.state,
        },
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        here = reverse("office:help:detail", args=[ticket.pk])
        try:
            if action == "reply":
                reply = ReplyForm(request.POST)
                if reply.is_valid():
                    data = reply.cleaned_data
                    ticket_staff_reply(
                        company=office.company,
                        ticket_id=ticket.pk,
                        body=data["body"],
                        actor=office.actor,
                        internal=data["internal"],
                        then_state=data["then_state"] or None,
                    )
                    messages.success(
                        request,
                        "Note added." if data["internal"] else "Reply sent to the customer.",
                    )
                    return redirect(here)
            elif action == "triage":
                triage = TriageForm(request.POST, staff=staff)
                if triage.is_valid():
                    _triage(office, ticket, triage.cleaned_data, dict(staff))
                    messages.success(request, "Ticket updated.")
                    return redirect(here)
            elif action in ("held_add", "held_discard"):
                held_mail_decide(
                    company=office.company,
                    held_id=int(request.POST.get("held", "0") or 0),
                    add=action == "held_add",
                    actor=office.actor,
                )
                messages.success(
                    request,
                    "Email added to the ticket." if action == "held_add" else "Email discarded.",
                )
                return redirect(here)
        except DomainError as error:
            _error_into(reply if action == "reply" else triage, error)
        status = 400
    context = {
        "ticket": ticket,
        "thread": selectors.staff_messages(company=office.company, ticket=ticket),
        "held": selectors.held_mail(company=office.company, ticket=ticket),
        "reply": reply,
        "triage": triage,
        "note_kind": MessageKind.NOTE,
        "reply_kind": MessageKind.REPLY,
    }
    return office_render(request, office, "office/help/detail.html", context, status=status)


def _triage(office: Office, ticket: Ticket, data: dict[str, Any], staff: dict[int, str]) -> None:
    from django.contrib.auth import get_user_model

    assignee_id = data.get("assignee")
    if assignee_id is not None and assignee_id not in staff:
        raise DomainError("Choose someone from the list.", field="assignee")
    assignee = get_user_model().objects.filter(pk=assignee_id).first() if assignee_id else None
    ticket_assign(
        company=office.company, ticket_id=ticket.pk, assignee=assignee, actor=office.actor
    )
    ticket_set_priority(
        company=office.company, ticket_id=ticket.pk, priority=data["priority"], actor=office.actor
    )
    ticket_set_state(
        company=office.company, ticket_id=ticket.pk, state=data["state"], actor=office.actor
    )


@office_page(ANSWER)
def ticket_revoke_link(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    ticket = selectors.staff_ticket(company=office.company, ticket_id=pk)
    if ticket is None:
        raise Http404("No such ticket.")
    back = reverse("office:help:detail", args=[ticket.pk])
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        ticket_access_rotate(company=office.company, ticket_id=ticket.pk, actor=office.actor)
        messages.success(request, "The old link and reply address no longer work.")
        return redirect(back)
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": f"Revoke the access link of ticket #{ticket.pk}?",
            "details": [
                ("Ticket", ticket.subject),
                ("Requester", ticket.requester_email),
                (
                    "What happens",
                    "Links and reply addresses in emails sent so far stop "
                    "working; the next email carries new ones.",
                ),
            ],
            "confirm_label": "Revoke the link",
            "cancel_url": back,
            "danger": True,
        },
    )


@office_page(ANSWER)
def unconfirmed_list(request: HttpRequest, office: Office) -> HttpResponse:
    window = window_of(request, selectors.unverified_tickets(company=office.company))
    return office_render(request, office, "office/help/unconfirmed.html", {"window": window})


def _unconfirmed(office: Office, pk: int) -> Ticket:
    ticket = selectors.unverified_tickets(company=office.company).filter(pk=pk).first()
    if ticket is None:
        raise Http404("No such request.")
    return ticket


@office_page(ANSWER)
def unconfirmed_release(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    ticket = _unconfirmed(office, pk)
    back = reverse("office:help:unconfirmed")
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            ticket_release(company=office.company, ticket_id=ticket.pk, actor=office.actor)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(back)
        messages.success(request, f"Request #{ticket.pk} is now in the queue.")
        return redirect("office:help:detail", ticket.pk)
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": "Put this unconfirmed request into the queue?",
            "details": [
                ("From", ticket.requester_email),
                ("Subject", ticket.subject),
                (
                    "What happens",
                    "The sender never confirmed the address: only release it "
                    "if you know they are real. They get an email with a link.",
                ),
            ],
            "confirm_label": "Release into the queue",
            "cancel_url": back,
            "danger": False,
        },
    )


@office_page(ANSWER)
def unconfirmed_purge(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    ticket = _unconfirmed(office, pk)
    back = reverse("office:help:unconfirmed")
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            ticket_purge(company=office.company, ticket_id=ticket.pk, actor=office.actor)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(back)
        messages.success(request, "The request was deleted.")
        return redirect(back)
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": "Delete this unconfirmed request?",
            "details": [
                ("From", ticket.requester_email),
                ("Subject", ticket.subject),
                ("What happens", "It is deleted for good; nobody is emailed."),
            ],
            "confirm_label": "Delete it",
            "cancel_url": back,
            "danger": True,
        },
    )


@office_page(ANSWER)
def blocked_list(request: HttpRequest, office: Office) -> HttpResponse:
    form = BlockForm()
    status = 200
    if request.method == "POST":
        form = BlockForm(request.POST)
        if form.is_valid():
            try:
                blocked = block_sender(
                    company=office.company, actor=office.actor, **form.cleaned_data
                )
            except DomainError as error:
                _error_into(form, error)
            else:
                messages.success(request, f"{blocked.pattern} is blocked.")
                return redirect("office:help:blocked")
        status = 400
    context = {"form": form, "blocked": list(selectors.blocked_senders(company=office.company))}
    return office_render(request, office, "office/help/blocked.html", context, status=status)


@office_page(ANSWER)
def blocked_remove(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    blocked = selectors.blocked_senders(company=office.company).filter(pk=pk).first()
    if blocked is None:
        raise Http404("Not blocked.")
    back = reverse("office:help:blocked")
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        unblock_sender(company=office.company, blocked_id=blocked.pk, actor=office.actor)
        messages.success(request, f"{blocked.pattern} may send requests again.")
        return redirect(back)
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": f"Unblock {blocked.pattern}?",
            "details": [("Reason it was blocked", blocked.reason or "—")],
            "confirm_label": "Unblock",
            "cancel_url": back,
            "danger": False,
        },
    )


@office_page(WRITE)
def article_list(request: HttpRequest, office: Office) -> HttpResponse:
    window = window_of(request, selectors.staff_articles(company=office.company))
    return office_render(request, office, "office/help/articles.html", {"window": window})


@office_page(WRITE)
def article_edit(request: HttpRequest, office: Office, pk: int | None = None) -> HttpResponse:
    article = None
    if pk is not None:
        article = selectors.staff_article(company=office.company, article_id=pk)
        if article is None:
            raise Http404("No such article.")
    categories = selectors.categories(company=office.company)
    choices = [(c.pk, c.name) for c in categories]
    initial = (
        {
            "title": article.title,
            "category": article.category_id,
            "visibility": article.visibility,
            "body_markdown": article.body_markdown,
            "published": article.published,
        }
        if article
        else {"published": True}
    )
    form = ArticleForm(initial=initial, categories=choices)
    status = 200
    if request.method == "POST":
        form = ArticleForm(request.POST, categories=choices)
        if form.is_valid():
            data = form.cleaned_data
            by_id = {c.pk: c for c in categories}
            category = by_id.get(data["category"]) if data.get("category") else None
            if category is None:
                category = category_save(company=office.company, name=data["new_category"])
            try:
                saved = article_save(
                    company=office.company,
                    actor=office.actor,
                    category=category,
                    title=data["title"],
                    body_markdown=data["body_markdown"],
                    visibility=data["visibility"],
                    published=data["published"],
                    article=article,
                )
            except DomainError as error:
                _error_into(form, error)
            else:
                messages.success(request, f"“{saved.title}” saved.")
                return redirect("office:help:articles")
        status = 400
    return office_render(
        request,
        office,
        "office/help/article_edit.html",
        {"form": form, "article": article},
        status=status,
    )

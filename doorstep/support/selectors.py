"""Reading articles and tickets, always for one company (`company=`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from .models import (
    OPEN_STATES,
    Article,
    ArticleVote,
    Category,
    HeldMail,
    HeldMailState,
    MessageKind,
    Ticket,
    TicketAttachment,
    TicketMessage,
    TicketState,
    Visibility,
)

if TYPE_CHECKING:
    from doorstep.customers.models import Customer
    from doorstep.tenancy.models import Company


def visible_levels(*, signed_in: bool, staff: bool = False) -> list[str]:
    if staff:
        return list(Visibility.values)
    if signed_in:
        return [Visibility.PUBLIC, Visibility.CUSTOMERS]
    return [Visibility.PUBLIC]


def articles_visible(
    *, company: Company, signed_in: bool, staff: bool = False
) -> QuerySet[Article]:
    return Article.objects.for_company(company).filter(
        published=True, visibility__in=visible_levels(signed_in=signed_in, staff=staff)
    )


def categories_with_articles(*, company: Company, signed_in: bool) -> list[Category]:
    """Categories that have something to read, each with `.visible` (its articles)."""
    articles = list(
        articles_visible(company=company, signed_in=signed_in).only(
            "id", "title", "slug", "category_id"
        )
    )
    categories = list(Category.objects.for_company(company))
    for category in categories:
        category.visible = [a for a in articles if a.category_id == category.pk]
    return [c for c in categories if c.visible]


def category_by_slug(*, company: Company, slug: str) -> Category | None:
    return Category.objects.for_company(company).filter(slug=slug).first()


def article_by_slug(*, company: Company, slug: str, signed_in: bool) -> Article | None:
    return (
        articles_visible(company=company, signed_in=signed_in)
        .select_related("category")
        .filter(slug=slug)
        .first()
    )


def article_search(
    *, company: Company, query: str, signed_in: bool, limit: int = 10
) -> list[Article]:
    """PostgreSQL: full-text search (title weighs more than text), ranked. SQLite: every word
    must appear in the title or text."""
    words = [w for w in (query or "").split() if len(w) > 1][:8]
    if not words:
        return []
    base = articles_visible(company=company, signed_in=signed_in).select_related("category")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "body_markdown", weight="B", config="english"
        )
        search = SearchQuery(" ".join(words), search_type="websearch", config="english")
        # Any word (OR), ranked: a subject typed as a sentence still finds the article.
        any_word = SearchQuery(" or ".join(words), search_type="websearch", config="english")
        # Match with @@ (ts_rank gives non-matching rows a tiny non-zero rank), then rank:
        # all words first.
        return list(
            base.annotate(
                document=vector, rank=SearchRank(vector, search) + SearchRank(vector, any_word)
            )
            .filter(document=any_word)
            .order_by("-rank", "title")[:limit]
        )
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(body_markdown__icontains=word)
    found = list(base.filter(condition)[: limit * 5])

    def score(article: Article) -> int:
        title, body = article.title.lower(), article.body_markdown.lower()
        return sum(3 * (w.lower() in title) + (w.lower() in body) for w in words)

    return sorted(found, key=lambda a: (-score(a), a.title))[:limit]


def related_articles(
    *, company: Company, article: Article, signed_in: bool, limit: int = 4
) -> list[Article]:
    """Others of the same category first, then ones sharing title words."""
    return list(
        articles_visible(company=company, signed_in=signed_in)
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)
        .only("id", "title", "slug")[:limit]
    )


def article_votes(*, company: Company, article: Article) -> dict[str, int]:
    counts = (
        ArticleVote.objects.for_company(company)
        .filter(article=article)
        .aggregate(yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False)))
    )
    return {"yes": counts["yes"] or 0, "no": counts["no"] or 0}


def my_vote(
    *, company: Company, article: Article, customer: Customer | None, browser_hash: str
) -> bool | None:
    votes = ArticleVote.objects.for_company(company).filter(article=article)
    if customer is not None:
        votes = votes.filter(customer=customer)
    elif browser_hash:
        votes = votes.filter(customer__isnull=True, browser_hash=browser_hash)
    else:
        return None
    vote = votes.only("helpful").first()
    return vote.helpful if vote else None


# --- tickets ------------------------------------------------------------------------------


def open_tickets_count(*, company: Company) -> int:
    """Tickets in the queue that need staff (new, open; not waiting on the customer)."""
    return (
        Ticket.objects.for_company(company)
        .filter(state__in=[TicketState.NEW, TicketState.OPEN])
        .count()
    )


def customer_tickets(
    *, company: Company, customer: Customer, closed: bool = False
) -> QuerySet[Ticket]:
    tickets = Ticket.objects.for_company(company).filter(customer=customer)
    if closed:
        return tickets.filter(state__in=[TicketState.RESOLVED, TicketState.CLOSED])
    return tickets.filter(state__in=OPEN_STATES)


def customer_ticket(*, company: Company, customer: Customer, ticket_id: int) -> Ticket | None:
    return (
        Ticket.objects.for_company(company)
        .exclude(state=TicketState.UNVERIFIED)
        .filter(customer=customer, pk=ticket_id)
        .first()
    )


def ticket_by_access_token(*, company: Company, raw: str) -> Ticket | None:
    from .access_keys import sha

    if not raw or len(raw) > 100:
        return None
    return (
        Ticket.objects.for_company(company)
        .exclude(state=TicketState.UNVERIFIED)
        .filter(access_hash=sha(raw))
        .first()
    )


def customer_messages(*, company: Company, ticket: Ticket) -> list[TicketMessage]:
    """What the customer may read: never internal notes."""
    return list(
        TicketMessage.objects.for_company(company)
        .filter(ticket=ticket)
        .exclude(kind=MessageKind.NOTE)
        .prefetch_related("attachments")
    )


def staff_messages(*, company: Company, ticket: Ticket) -> list[TicketMessage]:
    return list(
        TicketMessage.objects.for_company(company)
        .filter(ticket=ticket)
        .select_related("author_user")
        .prefetch_related("attachments")
    )


def ticket_attachment(
    *, company: Company, ticket: Ticket, attachment_id: int
) -> TicketAttachment | None:
    """An attachment of this ticket the customer may see (never one of an internal note)."""
    return (
        TicketAttachment.objects.for_company(company)
        .filter(ticket=ticket, pk=attachment_id)
        .exclude(message__kind=MessageKind.NOTE)
        .first()
    )


QUEUE_FILTERS = {
    "open": [TicketState.NEW, TicketState.OPEN, TicketState.WAITING],
    "new": [TicketState.NEW],
    "waiting": [TicketState.WAITING],
    "resolved": [TicketState.RESOLVED],
    "closed": [TicketState.CLOSED],
}


def ticket_queue(
    *, company: Company, status: str = "open", assignee: Any = None, mine_user: Any = None
) -> QuerySet[Ticket]:
    states = QUEUE_FILTERS.get(status, QUEUE_FILTERS["open"])
    tickets = (
        Ticket.objects.for_company(company)
        .filter(state__in=states)
        .select_related("assignee", "customer")
    )
    if mine_user is not None:
        tickets = tickets.filter(assignee=mine_user)
    return tickets


def unverified_tickets(*, company: Company) -> QuerySet[Ticket]:
    return (
        Ticket.objects.for_company(company)
        .filter(state=TicketState.UNVERIFIED)
        .order_by("-created_at")
    )


def staff_ticket(*, company: Company, ticket_id: int) -> Ticket | None:
    return (
        Ticket.objects.for_company(company)
        .exclude(state=TicketState.UNVERIFIED)
        .select_related("assignee", "customer", "contact", "article")
        .filter(pk=ticket_id)
        .first()
    )


def held_mail(*, company: Company, ticket: Ticket) -> list[HeldMail]:
    return list(
        HeldMail.objects.for_company(company).filter(ticket=ticket, state=HeldMailState.HELD)
    )


def ticket_staff(*, company: Company) -> list[Any]:
    """Staff who may be assigned this company's tickets (those who may message customers)."""
    from django.contrib.auth import get_user_model

    from doorstep.tenancy.roles import ROLE_ACTIONS, StaffAction

    roles = [
        role for role, actions in ROLE_ACTIONS.items() if StaffAction.MESSAGE_CUSTOMERS in actions
    ]
    return list(
        get_user_model()
        .objects.filter(memberships__company=company, memberships__role__in=roles, is_active=True)
        .order_by("first_name", "username")
    )


def blocked_senders(*, company: Company) -> QuerySet[Any]:
    from .models import BlockedSender

    return BlockedSender.objects.for_company(company)


def categories(*, company: Company) -> list[Category]:
    return list(Category.objects.for_company(company))


def staff_articles(*, company: Company) -> QuerySet[Article]:
    return (
        Article.objects.for_company(company)
        .select_related("category")
        .annotate(
            yes=Count("votes", filter=Q(votes__helpful=True)),
            no=Count("votes", filter=Q(votes__helpful=False)),
        )
    )


def staff_article(*, company: Company, article_id: int) -> Article | None:
    return Article.objects.for_company(company).filter(pk=article_id).first()

"""Help articles and support tickets (issue 12; docs/help-site.md).

A ticket's state is what staff work with; customers see their own words for each state
(`CUSTOMER_LABELS`). A public ticket is UNVERIFIED until its sender clicks the emailed link:
until then it is not in the queue, and after 7 days it is deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from doorstep.core.models import PrivateFileBase, TenantModel


class Category(TenantModel):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["company", "slug"], name="support_category_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Visibility(models.TextChoices):
    PUBLIC = "public", "Everyone"
    CUSTOMERS = "customers", "Signed-in customers"
    STAFF = "staff", "Staff only"


class Article(TenantModel):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120)
    body_markdown = models.TextField(help_text="Markdown. Raw HTML is removed.")
    # Rendered and sanitised when saved (support.articles.article_save): pages never render
    # Markdown, and never see anything the allow-list did not let through.
    body_html = models.TextField(editable=False, default="")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["company", "slug"], name="support_article_slug")
        ]

    def __str__(self) -> str:
        return self.title


class ArticleVote(TenantModel):
    """'Was this helpful?': one vote per customer, or per browser for a visitor."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE
    )
    browser_hash = models.CharField(max_length=64, blank=True)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "article", "customer"],
                condition=Q(customer__isnull=False),
                name="support_vote_one_per_customer",
            ),
            models.UniqueConstraint(
                fields=["company", "article", "browser_hash"],
                condition=Q(customer__isnull=True),
                name="support_vote_one_per_browser",
            ),
        ]


class TicketState(models.TextChoices):
    UNVERIFIED = "unverified", "Waiting for email confirmation"
    NEW = "new", "New"
    OPEN = "open", "Open"
    WAITING = "waiting", "Waiting on customer"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


# What the customer reads for each state (staff labels are TicketState's).
CUSTOMER_LABELS = {
    TicketState.UNVERIFIED: "Waiting for you to confirm your email",
    TicketState.NEW: "Received",
    TicketState.OPEN: "We are working on it",
    TicketState.WAITING: "Waiting for your reply",
    TicketState.RESOLVED: "Solved",
    TicketState.CLOSED: "Closed",
}

QUEUE_STATES = [TicketState.NEW, TicketState.OPEN, TicketState.WAITING]
OPEN_STATES = [TicketState.NEW, TicketState.OPEN, TicketState.WAITING]


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class TicketSource(models.TextChoices):
    PUBLIC = "public", "Public form"
    PORTAL = "portal", "Portal"
    SSO = "sso", "Help site (signed in)"


class Ticket(TenantModel):
    subject = models.CharField(max_length=200)
    state = models.CharField(max_length=12, choices=TicketState.choices, db_index=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    source = models.CharField(max_length=8, choices=TicketSource.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL
    )
    contact = models.ForeignKey(
        "customers.Contact", null=True, blank=True, on_delete=models.SET_NULL
    )
    requester_email = models.EmailField()
    requester_name = models.CharField(max_length=200, blank=True)
    # The article the customer was reading when they filed it: what did not help.
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL)
    # The access link and reply address are derived from this nonce (support.access_keys);
    # only their hashes are looked up. A new nonce revokes both.
    access_nonce = models.CharField(max_length=64)
    access_hash = models.CharField(max_length=64)
    reply_hash = models.CharField(max_length=64)
    # Public tickets: the verification link's hash and its expiry.
    verify_hash = models.CharField(max_length=64, blank=True, db_index=True)
    verify_expires_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["company", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "access_hash"], name="support_ticket_access"
            ),
            models.UniqueConstraint(fields=["company", "reply_hash"], name="support_ticket_reply"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def customer_label(self) -> str:
        return CUSTOMER_LABELS[TicketState(self.state)]


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    REPLY = "reply", "Public reply"
    NOTE = "note", "Internal note"


class TicketMessage(TenantModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    body = models.TextField()
    by_email = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class TicketAttachment(PrivateFileBase):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")


class BlockedSender(TenantModel):
    """An address (`someone@example.com`) or a whole domain (`example.com`) whose tickets are
    refused on every way in: public form, verification, portal, email."""

    pattern = models.CharField(max_length=254)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pattern"]
        constraints = [
            models.UniqueConstraint(fields=["company", "pattern"], name="support_blocked_pattern")
        ]

    def __str__(self) -> str:
        return self.pattern


class HeldMailState(models.TextChoices):
    HELD = "held", "Held"
    ADDED = "added", "Added to the ticket"
    DISCARDED = "discarded", "Discarded"


class HeldMail(TenantModel):
    """A reply by email from an address that is not on the ticket: kept for staff, never
    added on its own."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="held_mail")
    from_address = models.CharField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=HeldMailState.choices, default=HeldMailState.HELD
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

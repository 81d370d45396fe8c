"""Who may open a company's portal, and their sessions (separate from staff sessions)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from doorstep.core.models import TenantModel


class PortalAccountState(models.TextChoices):
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    DEACTIVATED = "deactivated", "Deactivated"


class PortalAccount(TenantModel):
    """One customer contact's access to one company's portal.

    The same email at two companies is two accounts that know nothing of each other.
    """

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="portal_accounts"
    )
    contact = models.OneToOneField(
        "customers.Contact", on_delete=models.CASCADE, related_name="portal_account"
    )
    email = models.EmailField(help_text="Lower-cased copy of the contact's email at provisioning.")
    state = models.CharField(
        max_length=12, choices=PortalAccountState.choices, default=PortalAccountState.INVITED
    )
    password = models.CharField(max_length=128, blank=True, help_text="Password mode only.")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    last_link_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "email"], name="uniq_portal_email"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_usable(self) -> bool:
        return self.state != PortalAccountState.DEACTIVATED


class SessionScope(models.TextChoices):
    FULL = "full", "Whole portal"
    INVOICE = "invoice", "One invoice (from an invoice email)"


class PortalSession(TenantModel):
    """A signed-in browser. The cookie holds a random key; only its SHA-256 is stored."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=SessionScope.choices, default=SessionScope.FULL)
    invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="full", invoice__isnull=True)
                | Q(scope="invoice", invoice__isnull=False),
                name="portal_session_scope_matches_invoice",
            ),
        ]
        indexes = [models.Index(fields=["account", "ended_at"])]

    def __str__(self) -> str:
        return f"Session of {self.account_id} ({self.scope})"

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


class LinkPurpose(models.TextChoices):
    SIGN_IN = "sign_in", "Sign-in link"
    INVITATION = "invitation", "Invitation (set a password)"
    PASSWORD_RESET = "password_reset", "Password reset"
    VERIFY_EMAIL = "verify_email", "Email verification (registration)"
    CHANGE_EMAIL = "change_email", "New email address confirmation (profile)"


class LoginLink(TenantModel):
    """An emailed, single-use, expiring link. Only SHA-256 of the token is stored.

    A sign-in link also carries a 6-digit code (stored as an HMAC) for another device.
    `email` is the address it was sent to: if the account's address changes, the link dies.
    """

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=20, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    email = models.EmailField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["account", "purpose", "used_at", "superseded_at"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.email}"


class InvoiceLink(TenantModel):
    """The "View and pay" link of an invoice email: that one invoice, nothing else.

    Reusable until the invoice has been paid for 30 days, or staff revoke it.
    """

    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.CASCADE, related_name="access_links"
    )
    account = models.ForeignKey(
        PortalAccount, on_delete=models.CASCADE, related_name="invoice_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invoice link {self.invoice_id} for {self.email}"


class RegistrationState(models.TextChoices):
    UNVERIFIED = "unverified", "Email not verified yet"
    PENDING = "pending", "Waiting for staff approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class RegistrationRequest(TenantModel):
    """Self-registration from an email the company does not know (policy: staff approval).

    It grants nothing: staff attach it to a customer, which sends an invitation.
    """

    email = models.EmailField()
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    state = models.CharField(
        max_length=12, choices=RegistrationState.choices, default=RegistrationState.UNVERIFIED
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "state"])]

    def __str__(self) -> str:
        return f"Registration of {self.email} ({self.state})"


class ThrottleHit(models.Model):
    """One counted event (a link emailed, a wrong code, a failed password) for rate limits.

    Kept in the database so every web process shares the limits. `key_hash` is a SHA-256 of
    the email or IP address. Not tenant-owned: mail bombing is limited per address everywhere.
    """

    bucket = models.CharField(max_length=30)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["bucket", "key_hash", "created_at"])]

    def __str__(self) -> str:
        return f"{self.bucket} @ {self.created_at:%H:%M:%S}"


# --- Single sign-on: portal <-> help site, and identity providers (docs/help-site.md) ---------


class HelpSiteKey(TenantModel):
    """The company's secret for signing portal -> help site tokens (HS256).

    Stored sealed (core.sealed: encrypted with a key derived from SECRET_KEY), so a copy of
    the database alone cannot mint a token. One per company, made on first use."""

    sealed_secret = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company"], name="uniq_help_site_key")]

    def __str__(self) -> str:
        return f"Help site key of {self.company_id}"


class HelpHandoff(TenantModel):
    """One portal -> help site token, by its `jti`: kept until it expires so it works once."""

    jti = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Help handoff {self.jti[:8]}…"


class SsoNoncePurpose(models.TextChoices):
    TO_PORTAL = "to_portal", "Help site -> portal (View my invoices)"
    TO_HELP = "to_help", "Portal -> help site without a clock (sign in again)"


class SsoNonce(TenantModel):
    """A server-stored, single-use, 10-minute nonce tied to one browser session.

    Needs no clock agreement between servers: it is created and checked against the same
    database row, never carried as a timestamp. Only a SHA-256 of the nonce is stored;
    `browser_hash` is the SHA-256 of the session cookie (help session or help-site browser
    cookie) that asked for it, and must come back with it."""

    purpose = models.CharField(max_length=10, choices=SsoNoncePurpose.choices)
    nonce_hash = models.CharField(max_length=64, unique=True)
    browser_hash = models.CharField(max_length=64)
    account = models.ForeignKey(
        PortalAccount, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"SSO nonce ({self.purpose})"


class IdentityProvider(TenantModel):
    """An OpenID Connect provider a company offers as a portal sign-in method."""

    name = models.CharField(max_length=80, help_text='Shown on the button: "Sign in with …".')
    issuer = models.URLField(
        help_text="The provider's issuer URL, e.g. https://accounts.google.com (its "
        "/.well-known/openid-configuration is read from there)."
    )
    client_id = models.CharField(max_length=200)
    sealed_client_secret = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "issuer"], name="uniq_provider_issuer"),
        ]
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class IdentityLink(TenantModel):
    """A provider's account (issuer + subject) linked to a portal account, once its verified
    email matched a contact on file."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="links")
    subject = models.CharField(max_length=255)
    account = models.ForeignKey(
        PortalAccount, on_delete=models.CASCADE, related_name="identity_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "provider", "subject"], name="uniq_identity_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.subject}"


class OidcSignInAttempt(TenantModel):
    """One trip to the provider: its `state` (hashed), nonce and PKCE verifier, tied to the
    browser by a cookie whose hash is `browser_hash`. Single use, 10 minutes."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="+")
    state_hash = models.CharField(max_length=64, unique=True)
    browser_hash = models.CharField(max_length=64)
    nonce = models.CharField(max_length=64)
    code_verifier = models.CharField(max_length=128)
    next_path = models.CharField(max_length=300, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"OIDC sign-in via {self.provider_id}"


class CustomerSsoRequirement(TenantModel):
    """This customer must sign in with an identity provider: sign-in links, codes and
    passwords are refused for every contact of the customer (seed 004)."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="sso_requirement"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"SSO required for customer {self.customer_id}"


class TwoStep(TenantModel):
    """Two-step sign-in (TOTP, RFC 6238) of a password account: the authenticator's secret,
    sealed at rest (core.sealed). `confirmed_at` empty = being set up, not on yet.
    `last_step` is the 30-second step of the last code accepted: a code is never taken twice."""

    account = models.OneToOneField(PortalAccount, on_delete=models.CASCADE, related_name="two_step")
    sealed_secret = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Two-step of {self.account_id} ({'on' if self.confirmed_at else 'setting up'})"


class RecoveryCode(TenantModel):
    """A single-use recovery code (for a lost phone). Only an HMAC of it is stored."""

    account = models.ForeignKey(
        PortalAccount, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["account", "used_at"])]

    def __str__(self) -> str:
        return f"Recovery code of {self.account_id}"


class TwoStepChallenge(TenantModel):
    """Half signed in: the password was right, the code is still to come. Tied to the browser
    by a cookie whose SHA-256 is `browser_hash`; 5 minutes, 5 wrong codes, single use."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="+")
    browser_hash = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Two-step challenge of {self.account_id}"

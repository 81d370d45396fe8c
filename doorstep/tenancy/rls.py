"""PostgreSQL row-level security: the one home for "which company may this transaction see".

Every tenant table has a policy (core/migration_ops.py `TenantRowSecurity`) that shows and
accepts only the rows of the company named by the transaction-local setting
`doorstep.company_id`. This module sets it; nothing else may. docs/adr/0003 has the design.

- `tenant_scope(company)`: a transaction (or, inside one, the rest of it) that sees one
  company. The setting is made with `set_config(..., true)`, local to the transaction, so a
  persistent connection or a PgBouncer server connection never carries it into the next
  request. Nesting-safe: leaving an inner scope puts the outer company back.
- `tenant_gate`: the same around a request view, used by the portal, office, help-site and API
  gates once the company is known.
- `tenant_of(model, pk)` + `maintenance_scope()`: for the few places that must learn a row's
  company before they can act as it (a task holding an id, the scheduler's fan-out jobs).
- `cross_tenant`: a periodic job that reads every company's rows runs in `maintenance_scope()`.

On SQLite (no RLS) every helper is a no-op, so the same code and tests run there unchanged.
The ORM's explicit `company=` filters stay: RLS is the backstop, not the mechanism.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction

if TYPE_CHECKING:
    from django.db.models import Model

    from .models import Company

SETTING = "doorstep.company_id"
# The alias of the maintenance role's connection (BYPASSRLS), configured from
# DATABASE_MAINTENANCE_URL; without it maintenance_scope() uses the default connection.
MAINTENANCE_ALIAS = "maintenance"

F = TypeVar("F", bound=Callable[..., Any])

# The company of the innermost open tenant_scope on this thread (Django's connections are
# per thread too), so an inner scope can restore the outer one without asking the database.
_current: ContextVar[int | None] = ContextVar("doorstep_rls_company", default=None)
# True inside a transaction that a tenant scope opened itself (the request's or task's tenant
# transaction), which exists only because of row-level security: without tenant transactions
# the same code runs under autocommit. See `in_scope_transaction`.
_opened: ContextVar[bool] = ContextVar("doorstep_rls_opened", default=False)


def rls_database(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True where policies exist (PostgreSQL); SQLite has no row-level security."""
    return connections[using].vendor == "postgresql"


def tenant_transactions(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the gates open a tenant transaction and set the tenant (PostgreSQL with
    DOORSTEP_TENANT_TRANSACTIONS on, which it is when a maintenance role is configured). Off,
    the policies are still in the database but the connection must be one that bypasses them
    (the owner): requests keep autocommit exactly as before row-level security (docs/adr/0003,
    "Switching it on")."""
    from django.conf import settings

    return rls_database(using) and bool(getattr(settings, "DOORSTEP_TENANT_TRANSACTIONS", False))


def current_company_id() -> int | None:
    """The company the innermost open tenant_scope set, if any."""
    return _current.get()


def _set(using: str, company_id: int | None) -> None:
    # Straight on the driver's cursor: it is the transaction's header, the same on every page,
    # so it stays out of the per-page query counts (docs/adr/0003; `make bench` times it).
    connection = connections[using]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, true)",
            [SETTING, "" if company_id is None else str(company_id)],
        )


@contextmanager
def tenant_scope(company: Company | int, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block in a transaction that sees only `company`'s rows."""
    company_id = company if isinstance(company, int) else company.pk
    if not tenant_transactions(using):
        token = _current.set(company_id)
        try:
            yield
        finally:
            _current.reset(token)
        return
    connection = connections[using]
    token = _current.set(company_id)
    try:
        if not connection.in_atomic_block:
            # Autocommit would end the transaction (and the setting) after one statement.
            opened = _opened.set(True)
            try:
                with transaction.atomic(using=using):
                    _set(using, company_id)
                    yield
            finally:
                _opened.reset(opened)
            return
        # Already in a transaction: set it for the rest of it, and put the outer one back.
        # No savepoint of our own: the block's exceptions behave exactly as without RLS.
        _set(using, company_id)
        try:
            yield
        finally:
            if not connection.needs_rollback and connection.is_usable():
                _set(using, _previous(token))
    finally:
        _current.reset(token)


@contextmanager
def tenant_scope_for_slug(slug: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[int | None]:
    """tenant_scope for the company whose URL slug this is, resolved by the database in the
    same statement that sets it (so a portal page keeps its one-query session lookup, which
    joins the company by slug). Yields the company id, None for an unknown slug (then the
    block sees no tenant rows, as with no tenant)."""
    if not tenant_transactions(using):
        yield None
        return
    connection = connections[using]
    opened = _opened.set(_opened.get() or not connection.in_atomic_block)
    try:
        with _slug_scope(connection, slug, using) as company_id:
            yield company_id
    finally:
        _opened.reset(opened)


@contextmanager
def _slug_scope(connection: Any, slug: str, using: str) -> Iterator[int | None]:
    with transaction.atomic(using=using) if not connection.in_atomic_block else _nothing():
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config(%s, coalesce((SELECT id::text FROM tenancy_company "
                "WHERE slug = %s), ''), true)",
                [SETTING, slug],
            )
            row = cursor.fetchone()
        company_id = int(row[0]) if row and row[0] else None
        token = _current.set(company_id)
        try:
            yield company_id
        finally:
            _current.reset(token)
            if connection.in_atomic_block and not connection.needs_rollback:
                _set(using, _previous(token))


def in_scope_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when the open transaction is one a tenant scope opened for itself, with no
    savepoint inside it: code that would run under autocommit without tenant transactions
    (a request, a task). There `transaction.on_commit` no longer means "now" but "when the
    whole request ends", so work that must happen in order (the demo provider's in-process
    events) runs at once instead. False on SQLite, with the switch off, and inside a
    transaction someone else opened (a test's own, an explicit `transaction.atomic()`)."""
    connection = connections[using]
    return (
        _opened.get()
        and tenant_transactions(using)
        and connection.in_atomic_block
        and not connection.savepoint_ids
    )


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def tenant_by_slug(view: F) -> F:
    """A slug gate's wrapper `(request, company_slug, **kwargs)` runs in that company's
    tenant scope; a lazily rendered response is rendered inside it."""

    @wraps(view)
    def gated(request: Any, company_slug: str, **kwargs: Any) -> Any:
        with tenant_scope_for_slug(company_slug):
            response = view(request, company_slug, **kwargs)
            return _rendered(response)

    return gated  # type: ignore[return-value]


def _rendered(response: Any) -> Any:
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


def _previous(token: Any) -> int | None:
    old = token.old_value
    return None if old is token.MISSING else old


def tenant_gate(company_of: Callable[..., Company | int | None]) -> Callable[[F], F]:
    """Decorator for a gate's inner call: `company_of(*args, **kwargs)` names the company."""

    def decorate(view: F) -> F:
        @wraps(view)
        def gated(*args: Any, **kwargs: Any) -> Any:
            company = company_of(*args, **kwargs)
            if company is None:
                return view(*args, **kwargs)
            with tenant_scope(company):
                return _rendered(view(*args, **kwargs))

        return gated  # type: ignore[return-value]

    return decorate


def maintenance_configured() -> bool:
    from django.conf import settings

    return MAINTENANCE_ALIAS in settings.DATABASES


@contextmanager
def maintenance_scope() -> Iterator[None]:
    """The block's default connection is the maintenance role's (BYPASSRLS): for the explicit
    cross-tenant jobs only (scheduler fan-out jobs, demo, benchmarks). Without a maintenance
    database configured (SQLite, a development database owned by one role) it changes
    nothing."""
    if not maintenance_configured():
        yield
        return
    app_connection = connections[DEFAULT_DB_ALIAS]
    maintenance = connections[MAINTENANCE_ALIAS]
    connections[DEFAULT_DB_ALIAS] = maintenance
    token = _current.set(None)
    opened = _opened.set(False)  # another connection: no tenant scope opened its transaction
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = app_connection
        _current.reset(token)
        _opened.reset(opened)


def cross_tenant(job: F) -> F:
    """A periodic job that reads every company's rows: it runs in maintenance_scope()."""

    @wraps(job)
    def run(*args: Any, **kwargs: Any) -> Any:
        with maintenance_scope():
            return job(*args, **kwargs)

    return run  # type: ignore[return-value]


def tenant_of(model: type[Model], pk: int) -> int | None:
    """The company of row `pk` of a tenant model, read by the maintenance role: how a task
    holding only an id learns which company to act as."""
    with maintenance_scope():
        return (
            model._default_manager.filter(pk=pk)  # scope: learning the company is the point
            .values_list("company_id", flat=True)
            .first()
        )


# Every table with a company_id column has the tenant policy, except these (each with why);
# tests/tenancy/test_rls_catalog.py fails for a company table that is in neither list.
EXEMPT_TABLES: dict[str, str] = {
    "integrations_apikey": (
        "read by the key's prefix and hash before the request's company is known (the key "
        "names the company); holds no customer data, and the secret is stored hashed"
    ),
    "tenancy_membership": (
        "the authorisation table itself: the office gate reads a staff user's memberships "
        "in every company to build the company picker, before a company is chosen"
    ),
    "tenancy_companysettings": (
        "the company's own configuration (portal switches, branding), read with the "
        "company row before any tenant is chosen; it holds no customer's data"
    ),
    "payments_webhookevent": (
        "the provider's inbox: an event is verified and stored before its company is "
        "known (its company_id is filled in when it is handled); payload fields are the "
        "provider's ids, and only the webhook task reads it"
    ),
}

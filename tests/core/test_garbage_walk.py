"""Garbage at every page, form and endpoint never gives a server error (issue 9, item 15).

The black-box test found 216 server errors in 4,811 garbage requests. This walk enumerates
the URLs from the resolver (so a new page is covered without touching this file), fills the
converters with real ids of both companies and with garbage, and then:
- GETs every page, also with garbage in the query string;
- POSTs to every page: the page's own form(s) with every field set to each kind of garbage
  (long strings, NUL bytes, huge numbers, wrong types) and with every drop-down set to another
  company's row; pages without a form get a generic garbage body;
- runs the admin's list actions and autocomplete with garbage and foreign ids;
- posts garbage to the webhooks (bad signatures, absurd timestamps, no secret configured);
as anonymous visitors, as a signed-in portal customer, as a company owner and as a superuser.
It asserts that no answer is a 5xx (or an exception).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from doorstep.access.models import PortalAccount, RegistrationRequest
from doorstep.demo.seed import seed_demo
from doorstep.tenancy.models import Company, RegistrationPolicy, SignInMode

from ..backoffice.helpers import form_data
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

HUGE = "99999999999999999999"
GARBAGE = {
    "long": "x" * 5000,
    "nul": "ab\x00cd",
    "huge": HUGE + "9" * 30,
    "exponent": "1e999999",
    "negative": "-1",
    "wrong_type": "[]{}<script>'\"",
}


@dataclass
class Walk:
    """The requests made and the server errors seen."""

    requests: int = 0
    errors: list[str] = field(default_factory=list)

    def send(self, client: Client, method: str, path: str, **kwargs: Any) -> Any:
        self.requests += 1
        # A new client address per request: the per-IP limits would otherwise answer 429
        # after a few requests and hide the code behind them.
        kwargs.setdefault(
            "REMOTE_ADDR",
            f"10.{self.requests // 65536 % 256}.{self.requests // 256 % 256}.{self.requests % 256}",
        )
        try:
            response = getattr(client, method)(path, **kwargs)
        except Exception as error:
            self.errors.append(
                f"{method.upper()} {path[:160]!r}: {type(error).__name__}: {str(error)[:200]}"
            )
            return None
        if response.status_code >= 500:
            self.errors.append(f"{method.upper()} {path[:160]!r}: HTTP {response.status_code}")
        return response

    def check(self) -> None:
        print(f"garbage walk: {self.requests} requests, {len(self.errors)} server errors")
        distinct = sorted(set(self.errors))
        assert not self.errors, (
            f"{len(self.errors)} server errors in {self.requests} requests, "
            f"{len(distinct)} distinct:\n" + "\n".join(distinct[:80])
        )


# --- the URLs, from the resolver --------------------------------------------------------


def routes(patterns: Any = None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def fill(route: str, values: dict[str, list[str]]) -> list[str]:
    """Every concrete path of a route: each converter takes each of the values for its name
    (or its kind), one combination per value position, so the count stays linear."""
    regex = route.startswith("^") or "(?P<" in route
    if regex:
        route = (
            REGEX_GROUP.sub(
                lambda m: (
                    "{" + m.group("name") + "}"
                    if "|" not in m.group("body")
                    else m.group("body").split("|")[0]
                ),
                route,
            )
            .replace("^", "")
            .replace("$", "")
        )
        slots = re.findall(r"\{(\w+)\}", route)
        kinds = dict.fromkeys(slots, "str")
    else:
        slots = [m.group("name") for m in CONVERTER.finditer(route)]
        kinds = {m.group("name"): m.group("kind") or "str" for m in CONVERTER.finditer(route)}
    if not slots:
        return ["/" + route]
    options = {s: values.get(s) or values[kinds[s]] for s in slots}
    width = max(len(v) for v in options.values())
    paths = []
    for i in range(width):
        path = route
        for slot in slots:
            choice = options[slot][i % len(options[slot])]
            path = (
                path.replace("{" + slot + "}", choice)
                if regex
                else CONVERTER.sub(
                    lambda m, s=slot, c=choice: c if m.group("name") == s else m.group(0),
                    path,
                    count=1,
                )
            )
        paths.append("/" + path)
    return sorted(set(paths))


# --- the world: two demo companies, their people and rows --------------------------------


@dataclass
class World:
    mine: Company
    other: Company
    owner: Any
    superuser: Any
    account: PortalAccount


@pytest.fixture
def world(mailbox: Any) -> World:
    mine, other = (item.company for item in seed_demo())
    # Every sign-in door open, so password and registration pages are walked too.
    mine.settings.sign_in_mode = SignInMode.BOTH
    mine.settings.registration_policy = RegistrationPolicy.STAFF_APPROVAL
    mine.settings.save()
    owner = get_user_model().objects.get(email=f"owner@{mine.slug}.test")
    superuser = get_user_model().objects.create_superuser("root", "root@example.test", "x" * 12)
    account = PortalAccount.objects.filter(company=mine).order_by("pk").first()
    assert account is not None
    RegistrationRequest.objects.create(
        company=mine, email="new@example.test", name="New Person", token_hash="0" * 64,
        expires_at="2099-01-01T00:00:00Z", state="pending",
    )  # fmt: skip
    return World(mine, other, owner, superuser, account)


def first_pk(model: Any, company: Company) -> str | None:
    manager = model._default_manager
    if any(f.name == "company" for f in model._meta.get_fields()):
        manager = manager.filter(company=company)
    elif model is Company:
        manager = manager.filter(pk=company.pk)
    pk = manager.order_by("pk").values_list("pk", flat=True).first()
    return None if pk is None else str(pk)


# --- garbage for forms ----------------------------------------------------------------


def page_forms(response: Any) -> list[forms.BaseForm]:
    """The forms a page rendered: the admin's form and inlines, or a view's `form`."""
    context = response.context if response is not None else None
    if not context:
        return []
    found: list[forms.BaseForm] = []
    if "adminform" in context:
        found.append(context["adminform"].form)
        for inline in context.get("inline_admin_formsets") or []:
            found.extend(inline.formset.forms)
    for key in ("form", "pay_form", "method_form"):
        value = context.get(key)
        if isinstance(value, forms.BaseForm) and value not in found:
            found.append(value)
    return found


def baseline(response: Any) -> dict[str, Any]:
    """What a browser would post unchanged (admin pages), else the rendered form's values."""
    context = response.context
    if "adminform" in context:
        return form_data(response)
    data: dict[str, Any] = {}
    for form in page_forms(response):
        for bound in form:
            value = bound.value()
            data[bound.html_name] = "" if value is None else str(value)
    return data


def garbage_posts(response: Any, other: Company) -> Iterator[dict[str, Any]]:
    """One body per kind of garbage (in every field at once) and one with every drop-down
    pointing at the other company's rows (the rest left valid)."""
    base = baseline(response)
    names = [
        bound.html_name
        for form in page_forms(response)
        for bound in form
        if not bound.html_name.endswith(("TOTAL_FORMS", "INITIAL_FORMS"))
    ]
    for junk in GARBAGE.values():
        yield {**base, **dict.fromkeys(names, junk)}
    foreign = dict(base)
    for form in page_forms(response):
        for bound in form:
            chosen = getattr(bound.field, "queryset", None)
            if chosen is not None:
                pk = first_pk(chosen.model, other)
                if pk is not None:
                    foreign[bound.html_name] = pk
    yield foreign


GENERIC_POST = {
    name: GARBAGE["long"]
    for name in ("email", "name", "phone", "code", "password", "subject", "body", "description")
} | {
    name: HUGE
    for name in ("invoice", "invoices", "customer", "location", "job", "method", "payment",
                 "account", "amount", "kinds", "autopay_invoice_kinds", "decision", "next")
}  # fmt: skip


# Two query strings per page: every usual parameter with a different kind of garbage, and
# a NUL byte (refused before any view runs).
QUERY_GARBAGE = [
    f"?q={'x' * 2000}&o={HUGE}&p=1e999999&page=-1&invoice={HUGE}&next=//evil.test"
    f"&status=[]&e={HUGE}",
    "?q=%00&invoice=%00",
]


def walk_paths(
    walk: Walk, client: Client, paths: list[str], other: Company, fresh: Any = None
) -> None:
    """`fresh` signs the client in again before each path: garbage may have signed it out."""
    for path in paths:
        if fresh is not None:
            fresh()
        page = walk.send(client, "get", path)
        for query in QUERY_GARBAGE:
            walk.send(client, "get", path + query)
        if page is not None and page_forms(page) and "/delete/" not in path:
            for body in garbage_posts(page, other):
                walk.send(client, "post", path, data=body)
        elif "/delete/" not in path:
            walk.send(client, "post", path, data=GENERIC_POST)


# --- the walks ------------------------------------------------------------------------


def own_ids(world: World) -> dict[str, list[str]]:
    """The signed-in customer's own rows first (so their pages and forms are walked), then
    another company's row, then a number no database column holds."""
    from doorstep.billing.models import Estimate, Invoice
    from doorstep.documents.models import Document
    from doorstep.jobs.models import Job
    from doorstep.messaging.models import Conversation
    from doorstep.payments.models import Payment
    from doorstep.servicerequests.models import ServiceRequest

    customer = world.account.customer
    ids = {}
    for name, model in [("invoice_id", Invoice), ("estimate_id", Estimate), ("job_id", Job),
                        ("payment_id", Payment), ("request_id", ServiceRequest),
                        ("conversation_id", Conversation), ("document_id", Document)]:  # fmt: skip
        own = model.objects.filter(customer=customer).order_by("pk").values_list("pk", flat=True)
        foreign = first_pk(model, world.other)
        ids[name] = [str(pk) for pk in own[:2]] + ([foreign] if foreign else []) + [HUGE]
    return ids


def portal_values(world: World) -> dict[str, list[str]]:
    return {
        **own_ids(world),
        "company_slug": [world.mine.slug],
        "int": ["1", "2", HUGE],
        "str": ["a" * 43, "x" * 600, "a%00b"],
        "slug": ["x"],
        "path": ["1"],
    }


def test_portal_and_public_pages_survive_garbage(world: World) -> None:
    walk = Walk()
    paths = [
        path
        for route, _ in routes()
        if route.startswith("p/")
        for path in fill(route, portal_values(world))
    ]
    signed_in = Client(raise_request_exception=True)
    walk_paths(walk, signed_in, paths, world.other, fresh=lambda: sign_in(signed_in, world.account))
    walk_paths(walk, Client(raise_request_exception=True), paths, world.other)
    walk.check()


def office_paths(world: World, company: Company) -> list[str]:
    """Every admin URL; object ids: a row of mine, a row of the other company, garbage."""
    paths: list[str] = []
    registry = admin.site._registry
    by_prefix = {
        f"office/{model._meta.app_label}/{model._meta.model_name}/": model for model in registry
    }
    generic = {"int": ["1", HUGE], "path": ["1", "abc", HUGE, "1%00"], "str": ["x"], "slug": ["x"]}
    for route, _ in routes():
        if not route.startswith("office/"):
            continue
        model = next((m for p, m in by_prefix.items() if route.startswith(p)), None)
        values = dict(generic)
        if model is not None:
            ids = [first_pk(model, world.mine), first_pk(model, world.other), "abc", HUGE, "1%00"]
            values["object_id"] = values["pk"] = [i for i in ids if i is not None]
        paths.extend(fill(route, values))
    return sorted(set(paths), key=lambda p: ("/delete/" in p, p))  # deletions last


def changelist_garbage(walk: Walk, client: Client, world: World) -> None:
    """List actions on garbage and foreign ids; autocomplete with garbage everywhere."""
    for model in admin.site._registry:
        url = f"/office/admin/{model._meta.app_label}/{model._meta.model_name}/"
        page = walk.send(client, "get", url)
        action_form = page.context.get("action_form") if page is not None and page.context else None
        actions = (
            [name for name, _ in action_form.fields["action"].choices if name]
            if (action_form)
            else []
        )
        selected = [first_pk(model, world.mine), first_pk(model, world.other), "abc", HUGE]
        for action in [*actions, "no-such-action"]:
            walk.send(
                client, "post", url,
                data={"action": action, "index": "0", "select_across": "0",
                      "_selected_action": [s for s in selected if s is not None]},
            )  # fmt: skip
        for fk in (f for f in model._meta.get_fields() if f.is_relation and f.concrete):
            for term in GARBAGE.values():
                query = {"app_label": model._meta.app_label, "model_name": model._meta.model_name,
                         "field_name": fk.name, "term": term}  # fmt: skip
                walk.send(client, "get", "/office/admin/autocomplete/", data=query)
    for junk in [*GARBAGE.values(), "auth", "tenancy"]:
        walk.send(
            client, "get", "/office/admin/autocomplete/",
            data={"app_label": junk, "model_name": junk, "field_name": junk, "term": junk},
        )  # fmt: skip


@pytest.mark.parametrize("who", ["owner", "superuser"])
def test_office_pages_survive_garbage(world: World, who: str) -> None:
    walk = Walk()
    client = Client(raise_request_exception=True)
    client.force_login(getattr(world, who))
    changelist_garbage(walk, client, world)
    walk_paths(walk, client, office_paths(world, world.mine), world.other)
    walk.check()


@pytest.mark.parametrize("secret", ["whsec_test", ""])
def test_webhooks_survive_garbage(world: World, settings: Any, secret: str) -> None:
    settings.STRIPE_WEBHOOK_SECRET = secret
    walk = Walk()
    client = Client(raise_request_exception=True)
    signatures = ["", "t=1,v1=bad", "t=" + "9" * 400 + ",v1=00", "garbage", "t=abc,v1=", "\x00"]
    bodies = ["not json", "{}", '{"type": "payment_intent.succeeded"}', "[]", "x" * 100_000]
    for route, _ in routes():
        if not route.startswith(("webhooks/", "hooks/")):
            continue
        for path in fill(route, {"provider": ["stripe", "demo", "x"], "slug": [world.mine.slug],
                                 "company_slug": [world.mine.slug, "nope"]}):  # fmt: skip
            for signature in signatures:
                for body in bodies:
                    walk.send(
                        client, "post", path, data=body, content_type="application/json",
                        headers={"Stripe-Signature": signature, "X-Demo-Signature": signature,
                                 "X-Twilio-Signature": signature},
                    )  # fmt: skip
            walk.send(client, "post", path, data=GENERIC_POST)
            walk.send(client, "get", path)
    walk.check()

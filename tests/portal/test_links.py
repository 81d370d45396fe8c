"""Portal paths built from a cached prefix and route table (core.links.portal_path) are exactly
what reverse() gives, for every portal page; and a portal page no longer reverses its links."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, reverse, set_script_prefix
from django.urls.converters import IntConverter, SlugConverter, StringConverter

from doorstep.core.links import job_path, portal_page_url, portal_path, portal_routes
from doorstep.portal import urls as portal_urls

from ..portal_helpers import sign_in


class Company:
    def __init__(self, slug: str) -> None:
        self.slug = slug


ACME = Company("acme-plumbing_2")
# Sample arguments for each converter the portal's routes use; a new converter needs a sample.
SAMPLES: dict[type, list[Any]] = {
    IntConverter: [0, 7, 2147483647, "12"],
    StringConverter: ["tok-En_9", "a.b~c"],
    SlugConverter: ["spring-clean_2"],
}


def portal_pages() -> Iterator[tuple[str, URLPattern]]:
    """(namespace:name, pattern) of every named page in doorstep/portal/urls.py."""
    for entry in portal_urls.urlpatterns:
        if isinstance(entry, URLResolver):
            for page in entry.url_patterns:
                if isinstance(page, URLPattern) and page.name:
                    yield f"{entry.namespace}:{page.name}", page


def sample_args(pattern: URLPattern) -> list[list[Any]]:
    converters = list(pattern.pattern.converters.values())
    for converter in converters:
        assert type(converter) in SAMPLES, f"{pattern}: add a sample for {type(converter)}"
    # Each argument takes each of its samples once, the others their first sample.
    rows = [[SAMPLES[type(c)][0] for c in converters]]
    for i, converter in enumerate(converters):
        for value in SAMPLES[type(converter)][1:]:
            rows.append([*rows[0][:i], value, *rows[0][i + 1 :]])
    return rows


PAGES = dict(portal_pages())


def test_every_portal_page_is_in_the_route_table():
    # A page left out would still work (reverse() answers) but cost a reverse() per link.
    assert len(PAGES) > 60
    assert set(portal_routes(None)) == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_portal_path_is_what_reverse_gives(name):
    for args in sample_args(PAGES[name]):
        assert portal_path(name, ACME, *args) == reverse(name, args=[ACME.slug, *args])


@pytest.mark.parametrize("prefix", ["/", "/doorstep/", "/été/"])
def test_under_a_script_prefix(prefix):
    # Mounted under a sub-path (SCRIPT_NAME): the prefix is the request's, cached per prefix.
    set_script_prefix(prefix)
    try:
        for name in ("portal:home", "portal:invoice_detail", "access:fresh_link"):
            args = sample_args(PAGES[name])[0]
            assert portal_path(name, ACME, *args) == reverse(name, args=[ACME.slug, *args])
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("token", ["with space", "ünïcode", "a%2Fb", "x?y=1", "#frag"])
def test_an_argument_that_needs_quoting_is_left_to_reverse(token):
    expected = reverse("access:link", args=[ACME.slug, token])
    assert portal_path("access:link", ACME, token) == expected


@pytest.mark.parametrize(
    "name, args",
    [
        ("portal:invoice_detail", [-1]),  # not an int to the route
        ("portal:invoice_detail", ["7/"]),
        ("portal:invoice_detail", [None]),
        ("portal:invoice_detail", []),  # missing argument
        ("portal:home", [7]),  # one too many
        ("access:link", ["a/b"]),  # str stops at a slash
        ("portal:no_such_page", []),
    ],
)
def test_what_reverse_refuses_is_refused(name, args):
    with pytest.raises(NoReverseMatch):
        reverse(name, args=[ACME.slug, *args])
    with pytest.raises(NoReverseMatch):
        portal_path(name, ACME, *args)


def test_a_bad_company_slug_is_refused():
    with pytest.raises(NoReverseMatch):
        portal_path("portal:home", Company("no spaces"))


def test_the_template_tag_and_the_email_links_use_it(settings):
    template = Template(
        "{% load portal_links %}{% portal_url 'payments:receipt' company 42 %}|"
        "{% portal_url 'portal:jobs' company as jobs %}{{ jobs }}"
    )
    rendered = template.render(Context({"company": ACME}))
    assert rendered == "/p/acme-plumbing_2/payments/42/receipt|/p/acme-plumbing_2/jobs/"
    assert portal_page_url("portal:home", ACME, query="?x=1") == (
        f"{settings.BASE_URL}/p/acme-plumbing_2/?x=1"
    )
    assert job_path(ACME, 9) == reverse("portal:job_detail", args=[ACME.slug, 9])


# --- reverse() on portal pages ---------------------------------------------------------------


def reverse_calls(client: Client, url: str) -> int:
    """How many times Django reversed a URL while serving `url`: every reverse(), {% url %}
    and redirect(<name>) goes through the root resolver's _reverse_with_prefix."""
    original = URLResolver._reverse_with_prefix
    with mock.patch.object(
        URLResolver, "_reverse_with_prefix", autospec=True, side_effect=original
    ) as spy:
        response = client.get(url)
    assert response.status_code == 200
    return spy.call_count


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["portal:home", "portal:payments"])
def test_a_portal_page_reverses_no_links(alice, page):
    client = Client()
    sign_in(client, alice["account"])
    url = reverse(page, args=[alice["customer"].company.slug])
    client.get(url)  # the company's prefix is reversed once, on its first link
    # With {% url %} (before portal_path): Home 24 and Payments 21 reverse() calls for this
    # customer, Payments more with every row of a longer history.
    assert reverse_calls(client, url) == 0


@pytest.mark.django_db
def test_the_spy_sees_a_url_tag(alice):
    # The counting above would catch a {% url %} put back into a portal page.
    with mock.patch.object(
        URLResolver,
        "_reverse_with_prefix",
        autospec=True,
        side_effect=URLResolver._reverse_with_prefix,
    ) as spy:
        Template("{% url 'portal:home' 'acme' %}").render(Context({}))
    assert spy.call_count == 1


def test_portal_templates_link_with_portal_url():
    # Every portal page, not only the two counted above.
    templates = Path(portal_urls.__file__).parent / "templates"
    offenders = [
        str(path.relative_to(templates))
        for path in sorted(templates.rglob("*.html"))
        if "{% url " in path.read_text()
    ]
    assert offenders == []

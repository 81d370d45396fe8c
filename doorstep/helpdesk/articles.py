"""The help site's reading pages: home, categories, articles, search, votes, suggestions."""

from __future__ import annotations

import hashlib
import secrets

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from doorstep.support import selectors
from doorstep.support.articles import article_vote

from .identity import HelpSite, help_page

BROWSER_COOKIE = "doorstep_help_browser"


def help_render(
    request: HttpRequest,
    site: HelpSite,
    template: str,
    context: dict[str, object] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        template,
        {"company": site.company, "help": site, **(context or {})},
        status=status,
    )


@help_page
def home(request: HttpRequest, site: HelpSite) -> HttpResponse:
    categories = selectors.categories_with_articles(
        company=site.company, signed_in=site.identity is not None
    )
    return help_render(request, site, "helpdesk/home.html", {"categories": categories})


@help_page
def category(request: HttpRequest, site: HelpSite, category_slug: str) -> HttpResponse:
    found = selectors.category_by_slug(company=site.company, slug=category_slug)
    if found is None:
        raise Http404("No such category.")
    articles = (
        selectors.articles_visible(company=site.company, signed_in=site.identity is not None)
        .filter(category=found)
        .only("id", "title", "slug")
    )
    return help_render(
        request, site, "helpdesk/category.html", {"category": found, "articles": list(articles)}
    )


def _browser_hash(request: HttpRequest) -> str:
    raw = request.COOKIES.get(BROWSER_COOKIE, "")
    return hashlib.sha256(raw.encode()).hexdigest() if 20 <= len(raw) <= 64 else ""


@help_page
def article(request: HttpRequest, site: HelpSite, article_slug: str) -> HttpResponse:
    signed_in = site.identity is not None
    found = selectors.article_by_slug(company=site.company, slug=article_slug, signed_in=signed_in)
    if found is None:
        # A customers-only article asks a visitor to sign in rather than pretending it is gone.
        if not signed_in and selectors.article_by_slug(
            company=site.company, slug=article_slug, signed_in=True
        ):
            return redirect(
                reverse("helpdesk:sign_in", args=[site.company.slug]) + f"?next={request.path}"
            )
        raise Http404("No such article.")
    context = {
        "article": found,
        "related": selectors.related_articles(
            company=site.company, article=found, signed_in=signed_in
        ),
        "vote": selectors.my_vote(
            company=site.company,
            article=found,
            customer=site.customer,
            browser_hash=_browser_hash(request),
        ),
    }
    return help_render(request, site, "helpdesk/article.html", context)


@require_POST
@help_page
def vote(request: HttpRequest, site: HelpSite, article_slug: str) -> HttpResponse:
    signed_in = site.identity is not None
    found = selectors.article_by_slug(company=site.company, slug=article_slug, signed_in=signed_in)
    if found is None:
        raise Http404("No such article.")
    helpful = request.POST.get("helpful") == "yes"
    raw = request.COOKIES.get(BROWSER_COOKIE, "")
    new_cookie = ""
    if site.customer is None and not _browser_hash(request):
        raw = new_cookie = secrets.token_urlsafe(24)
    browser = hashlib.sha256(raw.encode()).hexdigest() if site.customer is None else ""
    article_vote(
        company=site.company,
        article=found,
        helpful=helpful,
        customer=site.customer,
        browser_hash=browser,
    )
    if request.headers.get("HX-Request"):
        response = help_render(
            request, site, "helpdesk/_vote.html", {"article": found, "vote": helpful}
        )
    else:
        response = redirect("helpdesk:article", site.company.slug, found.slug)
    if new_cookie:
        response.set_cookie(
            BROWSER_COOKIE,
            new_cookie,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            path=f"/h/{site.company.slug}/",
        )
    return response


@help_page
def search(request: HttpRequest, site: HelpSite) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:200]
    results = selectors.article_search(
        company=site.company, query=query, signed_in=site.identity is not None
    )
    return help_render(request, site, "helpdesk/search.html", {"query": query, "results": results})


@help_page
def suggest(request: HttpRequest, site: HelpSite) -> HttpResponse:
    """Articles matching the subject being typed (htmx, on the request form)."""
    query = (request.GET.get("subject") or "").strip()[:200]
    results = (
        selectors.article_search(
            company=site.company, query=query, signed_in=site.identity is not None, limit=5
        )
        if len(query) >= 3
        else []
    )
    return help_render(request, site, "helpdesk/_suggestions.html", {"results": results})

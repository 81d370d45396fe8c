"""Help articles: staff write Markdown; pages show HTML that passed an allow-list.

Rendering: markdown-it-py (CommonMark, raw HTML switched off) and then nh3 (an allow-list
sanitiser: only the tags and attributes below survive; links get rel="noopener noreferrer
nofollow"; only http(s) and mailto URLs). Done once when the article is saved; pages print the
stored result.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import nh3
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from markdown_it import MarkdownIt

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb

from .models import Article, ArticleVote, Category, Visibility

if TYPE_CHECKING:
    from doorstep.customers.models import Customer
    from doorstep.tenancy.models import Company

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}


def render_markdown(text: str) -> str:
    # A page has one <h1> (the title): article headings start at level 2.
    html = _markdown.render(text or "")
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def article_save(
    *,
    company: Company,
    actor: Actor,
    category: Category,
    title: str,
    body_markdown: str,
    visibility: str = Visibility.PUBLIC,
    published: bool = True,
    article: Article | None = None,
    slug: str = "",
) -> Article:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("Give the article a title.", field="title")
    if category.company_id != company.pk:
        raise DomainError("Choose one of the listed categories.", field="category")
    if visibility not in Visibility.values:
        raise DomainError("Choose who may read it.", field="visibility")
    article = article or Article(company=company)
    article.category = category
    article.title = title[:200]
    article.slug = slugify(slug or article.slug or title)[:120] or "article"
    article.body_markdown = body_markdown or ""
    article.body_html = render_markdown(article.body_markdown)
    article.visibility = visibility
    article.published = published
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError as error:
        raise DomainError("Another article already has this address.", field="slug") from error
    audit_record(
        company=company,
        target=article,
        verb=Verb.HELP_ARTICLE_SAVED,
        actor=actor,
        message=f"Article “{article.title}” saved",
    )
    return article


def category_save(
    *, company: Company, name: str, description: str = "", position: int = 0
) -> Category:
    category, _ = Category.objects.get_or_create(
        company=company,
        slug=slugify(name)[:80] or "general",
        defaults={"name": name[:120], "description": description[:300], "position": position},
    )
    return category


def article_vote(
    *,
    company: Company,
    article: Article,
    helpful: bool,
    customer: Customer | None = None,
    browser_hash: str = "",
) -> ArticleVote | None:
    """One vote per customer (signed in) or per browser (visitor); voting again changes it."""
    if article.company_id != company.pk or (customer is None and not browser_hash):
        return None
    match: dict[str, Any] = (
        {"customer": customer}
        if customer is not None
        else {"customer": None, "browser_hash": browser_hash}
    )
    try:
        with transaction.atomic():
            vote, _ = ArticleVote.objects.update_or_create(
                company=company, article=article, **match, defaults={"helpful": helpful}
            )
    except IntegrityError:  # two clicks at once: the first one counted
        return None
    return vote

"""The portal is one entry layer: every customer page lives in doorstep/portal, is mounted by
one include, goes through the gate, and no domain app imports it."""

from __future__ import annotations

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

import config.urls

DOORSTEP = Path(__file__).resolve().parents[2] / "doorstep"
PORTAL_PREFIX = "p/<slug:company_slug>/"
# Above the portal, like the tests: it drives portal pages and repeats one of their reads.
ABOVE_THE_PORTAL = {"portal", "benchmarks"}


def imported_modules(path: Path) -> list[str]:
    """Absolute names of everything a module imports (relative imports resolved)."""
    package = ".".join(path.relative_to(DOORSTEP.parent).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return names


def test_no_domain_app_imports_the_portal():
    offenders = []
    for path in DOORSTEP.rglob("*.py"):
        app = path.relative_to(DOORSTEP).parts[0]
        if app in ABOVE_THE_PORTAL:
            continue
        for name in imported_modules(path):
            if name == "doorstep.portal" or name.startswith("doorstep.portal."):
                offenders.append(f"{path.relative_to(DOORSTEP.parent)} imports {name}")
    assert offenders == []


def test_the_portal_is_mounted_once():
    mounted = [
        entry
        for entry in config.urls.urlpatterns
        if isinstance(entry, URLResolver) and str(entry.pattern) == PORTAL_PREFIX
    ]
    assert [entry.urlconf_module.__name__ for entry in mounted] == ["doorstep.portal.urls"]


def portal_pages() -> list[URLPattern]:
    root = get_resolver()
    (mount,) = [e for e in root.url_patterns if str(getattr(e, "pattern", "")) == PORTAL_PREFIX]
    pages: list[URLPattern] = []
    stack = list(mount.url_patterns)
    while stack:
        entry = stack.pop()
        if isinstance(entry, URLResolver):
            stack += entry.url_patterns
        else:
            pages.append(entry)
    return pages


def passes_the_gate(view: object) -> bool:
    """Somewhere in the decorator chain (require_safe, csrf_exempt ...) is a gate wrapper."""
    from doorstep.portal import gate

    while view is not None:
        code = getattr(view, "__code__", None)
        if code is not None and code.co_filename == gate.__file__:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_every_portal_page_is_in_the_portal_and_goes_through_the_gate():
    pages = portal_pages()
    assert len(pages) >= 40
    for page in pages:
        assert page.callback.__module__.startswith("doorstep.portal."), page.name
        assert passes_the_gate(page.callback), page.name


def test_views_read_no_identity_off_the_request():
    """The gate hands the view its identity (or company) as an argument."""
    found = []
    for path in DOORSTEP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "request"
                and (node.attr == "portal" or isinstance(node.ctx, ast.Store))
                and node.attr in {"portal", "company"}
            ):
                found.append(f"{path.relative_to(DOORSTEP.parent)}:{node.lineno}")
    assert found == []

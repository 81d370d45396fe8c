"""The shape of the payments app, read from its source (no database).

Imports point one way: generic payments code -> the provider protocol -> each provider.
A provider never imports the inbox or the ledger back, the provider's own words (Stripe's
event names and signature scheme, the demo's test numbers) stay inside its folder, and
payments knows nothing of the apps above it (access, portal, back office, demo).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import doorstep.payments

PAYMENTS = Path(doorstep.payments.__file__).parent
PACKAGE = "doorstep.payments"


def sources() -> Iterator[tuple[str, Path]]:
    for path in sorted(PAYMENTS.rglob("*.py")):
        relative = path.relative_to(PAYMENTS)
        if relative.parts[0] == "migrations":
            continue
        parts = [PACKAGE, *relative.with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def imported_modules(module: str, path: Path) -> set[str]:
    """Every module this file imports, at the top or inside a function."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = dict(sources())
    return {
        name: {m for m in imported_modules(name, path) if m in modules and m != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_payments_has_no_import_cycle():
    assert cycles(import_graph()) == [], "\n".join(" ".join(c) for c in cycles(import_graph()))


def test_providers_import_only_the_protocol_and_models_of_payments():
    modules = dict(sources())
    allowed = {f"{PACKAGE}.providers", f"{PACKAGE}.providers.base", f"{PACKAGE}.models"}
    for module, path in sources():
        if not module.startswith(f"{PACKAGE}.providers."):
            continue
        provider = module.split(".")[3] if module.count(".") >= 3 else ""
        for imported in imported_modules(module, path):
            if imported not in modules or imported in allowed:
                continue
            own = f"{PACKAGE}.providers.{provider}"
            # The demo speaks Stripe's wire format on its webhook endpoint.
            borrowed = provider == "demo" and imported.startswith(f"{PACKAGE}.providers.stripe")
            assert imported.startswith(own) or borrowed, f"{module} imports {imported}"


def test_payments_imports_no_app_above_it():
    above = ("doorstep.access", "doorstep.portal", "doorstep.backoffice", "doorstep.demo")
    for module, path in sources():
        for imported in imported_modules(module, path):
            assert not imported.startswith(above), f"{module} imports {imported}"


STRIPE_WORDS = re.compile(r"payment_intent|charge\.refund|\bv1=|Stripe-Signature|whsec_")


def test_stripe_vocabulary_stays_in_the_stripe_provider():
    for module, path in sources():
        if module.startswith(f"{PACKAGE}.providers.stripe"):
            continue
        words = STRIPE_WORDS.findall(path.read_text())
        assert not words, f"{module} speaks Stripe: {words}"


PROVIDER_BRANCH = re.compile(r"""[=!]=\s*["'](demo|stripe)["']|["'](demo|stripe)["']\s*[=!]=""")


def test_no_provider_name_branches_outside_the_providers():
    """Pages and generic code ask the provider protocol what to do; they never test its name."""
    root = PAYMENTS.parent.parent
    pages = [*(root / "templates").rglob("*.html"), *(root / "doorstep").rglob("*.html")]
    code = [p for p in (root / "doorstep" / "portal").rglob("*.py")]
    code += [p for m, p in sources() if not m.startswith(f"{PACKAGE}.providers.")]
    for path in [*pages, *code]:
        branches = PROVIDER_BRANCH.findall(path.read_text())
        assert not branches, f"{path} branches on a provider name"

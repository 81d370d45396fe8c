"""The back office is the top layer: every staff page lives in doorstep/backoffice/, and no
domain app imports admin code (neither the back office nor Django's admin)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.contrib import admin

import doorstep

DOORSTEP = Path(doorstep.__file__).resolve().parent
DOMAIN_APPS = [
    "core",
    "tenancy",
    "customers",
    "jobs",
    "documents",
    "servicerequests",
    "messaging",
    "billing",
    "notifications",
    "payments",
    "access",
]
ADMIN_CODE = ("doorstep.backoffice", "django.contrib.admin")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def is_admin_code(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in ADMIN_CODE)


def test_no_domain_app_imports_admin_code():
    offenders = [
        f"{path.relative_to(DOORSTEP.parent)}: {module}"
        for app in DOMAIN_APPS
        for path in sorted((DOORSTEP / app).rglob("*.py"))
        for module in sorted(imported_modules(path))
        if is_admin_code(module)
    ]
    assert offenders == []


def test_no_domain_app_has_admin_modules_or_admin_templates():
    strays = [
        str(path.relative_to(DOORSTEP.parent))
        for app in DOMAIN_APPS
        for pattern in ("admin.py", "templates/admin")
        for path in (DOORSTEP / app).rglob(pattern)
    ]
    assert strays == []


def test_every_page_of_our_models_is_registered_by_the_back_office():
    ours = {
        f"{model._meta.label}": type(model_admin).__module__
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("doorstep.")
    }
    assert len(ours) == 22
    assert {
        label: module
        for label, module in ours.items()
        if not module.startswith("doorstep.backoffice.")
    } == {}

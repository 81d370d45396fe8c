"""Scope lint: tenant scope and staff roles go through their one home.

`make lint` runs it over doorstep/. It fails the build on:

- **a hand-written company filter outside selectors and services**: `.filter(company=...)`,
  `.get(company=...)`, `.exclude(...)`, `company_id=`, `company__in=`, ... in an entry layer
  (portal, backoffice, api, helpdesk) or in a views/forms/admin/urls/tasks module. Pages ask a
  selector (`invoices_for_customer(company=..., customer=...)`) or `Model.objects.for_company(c)`,
  so the rule "this company only" lives in one place a reader can check (Polar's org_scope lint).
- **a role check that takes no company**: `staff_may(...)` without `company=`, or a filter on
  `role=` (memberships) without a company in the same call. A role is always a role *at* a
  company: "billing somewhere" must never mean "billing here".

A line may opt out with a trailing `# scope: <reason>` comment naming why it is safe.
Usage: python tools/scope_lint.py [PATH ...]   (default: doorstep)
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

QUERY_METHODS = {"filter", "get", "exclude", "get_or_create", "update_or_create", "first"}
COMPANY_KEYS = {"company", "company_id", "company__in", "company_id__in", "company__pk"}
ENTRY_PACKAGES = {"portal", "backoffice", "api", "helpdesk"}
ENTRY_MODULES = {"views", "forms", "admin", "urls", "tasks"}
ROLE_KEYS = {"role", "role__in"}


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _keywords(call: ast.Call) -> set[str]:
    return {k.arg for k in call.keywords if k.arg}


def _is_entry_module(path: Path) -> bool:
    parts = path.with_suffix("").parts
    if parts[-1] in {"selectors", "services"} or "selectors" in parts[:-1]:
        return False  # the homes of scoped reads and writes
    in_entry_package = any(part in ENTRY_PACKAGES for part in parts[:-1])
    return in_entry_package or parts[-1] in ENTRY_MODULES or "views" in parts[:-1]


def _method(call: ast.Call) -> str | None:
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def check_source(source: str, path: Path) -> Iterator[Finding]:
    tree = ast.parse(source, filename=str(path))
    lines = source.splitlines()
    entry = _is_entry_module(path)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
        if "# scope:" in line:
            continue
        keys = _keywords(node)
        method = _method(node)
        if entry and method in QUERY_METHODS and keys & COMPANY_KEYS:
            yield Finding(
                path,
                node.lineno,
                f"hand-written company filter `.{method}({', '.join(sorted(keys & COMPANY_KEYS))}"
                "=...)` in an entry module: call a selector or `.for_company(company)`",
            )
        if _callee(node) == "staff_may" and "company" not in keys:
            yield Finding(
                path, node.lineno, "staff_may(...) without company=: roles are per company"
            )
        if method in QUERY_METHODS | {"exists"} and keys & ROLE_KEYS and not keys & COMPANY_KEYS:
            yield Finding(
                path,
                node.lineno,
                "a role filter without a company: ask tenancy.roles.staff_may(company=...)",
            )


def check_paths(paths: list[Path]) -> list[Finding]:
    findings: list[Finding] = []
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for file in files:
            if "migrations" in file.parts:
                continue
            findings.extend(check_source(file.read_text(), file))
    return findings


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or [Path("doorstep")]
    findings = check_paths(paths)
    for finding in findings:
        print(finding)
    if findings:
        print(f"scope lint: {len(findings)} finding(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

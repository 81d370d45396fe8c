"""What each kind of spreadsheet holds, and the check of every row before anything is saved:
which record a row matches (external id, or email for customers) and what is wrong with it,
in plain words (the row number as the spreadsheet shows it, the column, the problem).

Lookups are made for the whole file at once (one query per kind of key), so checking 5,000
rows costs a handful of queries; the other company's ids are never read (`company=`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from doorstep.core.money import AmountError, parse_amount
from doorstep.customers.models import Contact, CustomerKind
from doorstep.integrations.models import ExternalRef

from .models import ImportKind

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


@dataclass(frozen=True)
class Sheet:
    required: tuple[str, ...]
    optional: tuple[str, ...]
    example: tuple[str, ...]  # one row of the downloadable template

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


SHEETS = {
    ImportKind.CUSTOMERS: Sheet(
        required=("name",),
        optional=(
            "external_id",
            "kind",
            "email",
            "phone",
            "contact_name",
            "location_label",
            "street",
            "city",
            "region",
            "postal_code",
            "billing_address",
        ),
        example=(
            "Carla Diaz",
            "C-1001",
            "person",
            "carla@example.com",
            "555-0101",
            "",
            "Home",
            "12 Oak Street",
            "Springfield",
            "IL",
            "62701",
            "",
        ),
    ),
    ImportKind.JOBS: Sheet(
        required=("external_id", "customer", "title"),
        optional=("description", "street"),
        example=("J-5001", "C-1001", "Replace water heater", "40 gallon, gas", "12 Oak Street"),
    ),
    ImportKind.INVOICES: Sheet(
        required=("external_id", "customer", "description", "amount", "due_date"),
        optional=("quantity", "tax_rate", "issue_date"),
        example=(
            "INV-9001",
            "C-1001",
            "Water heater installation",
            "1250.00",
            "2026-12-31",
            "1",
            "0",
            "2026-12-01",
        ),
    ),
}


def template_csv(kind: str) -> str:
    sheet = SHEETS[ImportKind(kind)]
    return (
        ",".join(sheet.columns)
        + "\r\n"
        + ",".join(f'"{v}"' if "," in v else v for v in sheet.example)
        + "\r\n"
    )


def missing_columns(kind: str, headers: list[str]) -> list[str]:
    return [name for name in SHEETS[ImportKind(kind)].required if name not in headers]


def _refs(company: Company, object_type: str, ids: set[str]) -> dict[str, int]:
    if not ids:
        return {}
    rows = ExternalRef.objects.for_company(company).filter(
        object_type=object_type, external_id__in=ids
    )
    return {r.external_id: r.object_id for r in rows}


def _customers_by_email(company: Company, emails: set[str]) -> dict[str, int]:
    if not emails:
        return {}
    found: dict[str, int] = {}
    for email, customer_id in (
        Contact.objects.for_company(company)
        .filter(email__in=emails)
        .values_list("email", "customer_id")
        .order_by("-is_primary", "id")
    ):
        found.setdefault(email.lower(), customer_id)
    return found


def _email_ok(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass
class Checked:
    number: int  # the row as the spreadsheet numbers it (the column names are row 1)
    action: str  # "create", "update" or "keep" (already imported: left as it is)
    values: dict[str, Any]
    errors: list[dict[str, str]]
    target_id: int | None = None

    def refuse(self, column: str, message: str) -> None:
        self.errors.append({"column": column, "message": message})

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "action": self.action,
            "values": self.values,
            "errors": self.errors,
            "target_id": self.target_id,
        }


def rows_check(*, company: Company, kind: str, rows: list[dict[str, str]]) -> list[Checked]:
    checker = {
        ImportKind.CUSTOMERS: _customers,
        ImportKind.JOBS: _jobs,
        ImportKind.INVOICES: _invoices,
    }[ImportKind(kind)]
    return checker(company, rows)


def _customers(company: Company, rows: list[dict[str, str]]) -> list[Checked]:
    by_ref = _refs(company, "customer", {r.get("external_id", "") for r in rows} - {""})
    emails = {r.get("email", "").lower() for r in rows if _email_ok(r.get("email", ""))}
    by_email = _customers_by_email(company, emails)
    seen: dict[str, int] = {}
    checked = []
    for index, row in enumerate(rows):
        values = {name: row.get(name, "") for name in SHEETS[ImportKind.CUSTOMERS].columns}
        values["email"] = values["email"].lower()
        out = Checked(number=index + 2, action="create", values=values, errors=[])
        if not values["name"]:
            out.refuse("name", "The name is empty.")
        if values["kind"] and values["kind"].lower() not in CustomerKind.values:
            out.refuse("kind", f"“{values['kind']}” is not a kind: write person or business.")
        values["kind"] = values["kind"].lower() or CustomerKind.PERSON
        if values["email"] and not _email_ok(values["email"]):
            out.refuse("email", f"“{values['email']}” is not an email address.")
        if not values["external_id"] and not values["email"]:
            out.refuse(
                "external_id",
                "Give an external id or an email, so that importing the file again "
                "updates this customer instead of adding them twice.",
            )
        if values["street"] and not values["city"]:
            out.refuse("city", "The street has no city.")
        for key in (values["external_id"], values["email"]):
            if key and key in seen:
                out.refuse(
                    "external_id" if key == values["external_id"] else "email",
                    f"Row {seen[key]} is the same customer ({key}).",
                )
            elif key:
                seen[key] = out.number
        target = by_ref.get(values["external_id"]) or by_email.get(values["email"])
        if target:
            out.action, out.target_id = "update", target
        checked.append(out)
    return checked


def _customer_refs(company: Company, rows: list[dict[str, str]]) -> dict[str, int]:
    """A row's customer by the external id it has in the company's software, or by email."""
    keys = {r.get("customer", "") for r in rows} - {""}
    found = _refs(company, "customer", keys)
    found.update(
        {
            k: v
            for k, v in _customers_by_email(company, {k.lower() for k in keys}).items()
            if k not in found
        }
    )
    return found


def _reference(out: Checked, customers: dict[str, int]) -> None:
    key = out.values["customer"]
    if not key:
        out.refuse("customer", "Name the customer: their external id or email.")
    elif key not in customers and key.lower() not in customers:
        out.refuse("customer", f"No customer “{key}”. Import the customers first.")
    else:
        out.values["customer_id"] = customers.get(key) or customers[key.lower()]


def _duplicates(out: Checked, seen: dict[str, int]) -> None:
    key = out.values["external_id"]
    if not key:
        out.refuse("external_id", "The external id is empty.")
    elif key in seen:
        out.refuse("external_id", f"Row {seen[key]} has the same external id.")
    else:
        seen[key] = out.number


def _jobs(company: Company, rows: list[dict[str, str]]) -> list[Checked]:
    customers = _customer_refs(company, rows)
    existing = _refs(company, "job", {r.get("external_id", "") for r in rows} - {""})
    seen: dict[str, int] = {}
    checked = []
    for index, row in enumerate(rows):
        values = {name: row.get(name, "") for name in SHEETS[ImportKind.JOBS].columns}
        out = Checked(number=index + 2, action="create", values=values, errors=[])
        _duplicates(out, seen)
        _reference(out, customers)
        if not values["title"]:
            out.refuse("title", "The title is empty.")
        if values["external_id"] in existing:
            out.action, out.target_id = "keep", existing[values["external_id"]]
        checked.append(out)
    return checked


def _invoices(company: Company, rows: list[dict[str, str]]) -> list[Checked]:
    customers = _customer_refs(company, rows)
    existing = _refs(company, "invoice", {r.get("external_id", "") for r in rows} - {""})
    seen: dict[str, int] = {}
    checked = []
    for index, row in enumerate(rows):
        values: dict[str, Any] = {
            name: row.get(name, "") for name in SHEETS[ImportKind.INVOICES].columns
        }
        out = Checked(number=index + 2, action="create", values=values, errors=[])
        _duplicates(out, seen)
        _reference(out, customers)
        if not values["description"]:
            out.refuse("description", "The description is empty.")
        try:
            values["unit_price"] = parse_amount(
                values["amount"], currency=company.currency, locale=company.locale
            )
        except AmountError as error:
            out.refuse("amount", f"“{values['amount']}”: {error}")
        for column, default in (("quantity", "1"), ("tax_rate", "0")):
            try:
                number = Decimal(values[column] or default)
                if not number.is_finite() or number < 0:
                    raise InvalidOperation
            except InvalidOperation:
                out.refuse(column, f"“{values[column]}” is not a number like 1 or 2.5.")
        due = _date(values["due_date"])
        issued = _date(values["issue_date"]) if values["issue_date"] else None
        if due is None:
            out.refuse("due_date", f"“{values['due_date']}” is not a date like 2026-12-31.")
        if values["issue_date"] and issued is None:
            out.refuse("issue_date", f"“{values['issue_date']}” is not a date like 2026-12-01.")
        if due and issued and due < issued:
            out.refuse("due_date", "The due date is before the issue date.")
        if values["external_id"] in existing:
            out.action, out.target_id = "keep", existing[values["external_id"]]
        checked.append(out)
    return checked

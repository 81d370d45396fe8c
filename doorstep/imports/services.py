"""Importing a spreadsheet: `import_preview` reads and checks every row and saves only the
ImportRun (nothing else); `import_start` (the "Import N rows" confirmation) runs it, inline
for a small file and as a background task for a large one; `import_rows_apply` creates or
updates each row through the same services as the office and the API, one transaction per
row, so a run stopped half-way is resumed by running it again (matched rows are updated or
kept, never duplicated)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from doorstep.billing.invoices import LineInput, invoice_create, invoice_open
from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.task_enqueue import enqueue_with_transaction
from doorstep.core.verbs import Verb
from doorstep.customers import services as customers
from doorstep.customers.models import Contact, Customer, Location
from doorstep.integrations.external_ids import external_id_set
from doorstep.jobs.services import job_create

from .models import ImportKind, ImportRun, ImportState
from .reading import sheet_read
from .sheets import missing_columns, rows_check

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

# Up to this many rows the import runs while the page waits; more go to the workers.
INLINE_ROWS = 50
PROGRESS_EVERY = 25


def import_preview(*, company: Company, kind: str, upload: UploadedFile, user: Any) -> ImportRun:
    """Read and check the file; save the run (the rows and what each would do) and nothing
    else. A file that cannot be read at all is a DomainError on the "file" field."""
    if kind not in ImportKind.values:
        raise DomainError("Choose what the file holds.", field="kind")
    headers, rows = sheet_read(upload)
    missing = missing_columns(kind, headers)
    if missing:
        names = ", ".join(f"“{name}”" for name in missing)
        raise DomainError(
            f"The file has no column {names}. The first row must name the columns, as in "
            "the template.",
            field="file",
        )
    if not rows:
        raise DomainError("The file has column names but no rows.", field="file")
    checked = rows_check(company=company, kind=kind, rows=rows)
    return ImportRun.objects.create(
        company=company,
        kind=kind,
        file_name=(upload.name or "import.csv")[:200],
        rows=[row.as_json() for row in checked],
        total=sum(1 for row in checked if not row.errors),
        created_by=user if getattr(user, "pk", None) else None,
    )


def import_start(*, company: Company, run: ImportRun, actor: Actor) -> bool:
    """Confirmed: run it. True when it ran here, False when the workers have it. A second
    confirmation (a double click, another tab) starts nothing."""
    with transaction.atomic():
        started = ImportRun.objects.filter(
            pk=run.pk, company=company, state=ImportState.PREVIEWED, total__gt=0
        ).update(state=ImportState.RUNNING)
        if not started:
            return False
        audit_record(
            company=company,
            target=run,
            verb=Verb.IMPORT_STARTED,
            actor=actor,
            message=f"Import of {run.total} {run.get_kind_display().lower()} rows from "
            f"{run.file_name} started",
        )
    if run.total <= INLINE_ROWS:
        import_rows_apply(run_id=run.pk, actor=actor)
        return True
    from .tasks import import_run_task

    enqueue_with_transaction(import_run_task, run.pk, getattr(actor.user, "pk", None))
    return False


def import_rows_apply(*, run_id: int, actor: Actor) -> ImportRun:
    run = ImportRun.objects.select_related("company").get(pk=run_id)
    company = run.company
    apply = {
        ImportKind.CUSTOMERS: _customer_row,
        ImportKind.JOBS: _job_row,
        ImportKind.INVOICES: _invoice_row,
    }[ImportKind(run.kind)]
    rows = run.rows
    done = 0
    for row in rows:
        if row["errors"]:
            continue
        try:
            with transaction.atomic():
                row["target_id"] = apply(company, row, actor)
        except DomainError as error:  # changed since the preview (someone else's edit)
            row["errors"].append({"column": error.field or "", "message": error.message})
        done += 1
        if done % PROGRESS_EVERY == 0:
            ImportRun.objects.filter(pk=run.pk).update(done=done)
    with transaction.atomic():
        run.rows, run.done = rows, done
        run.state, run.finished_at = ImportState.DONE, timezone.now()
        run.save(update_fields=["rows", "done", "state", "finished_at"])
        failed = sum(1 for row in rows if row["errors"])
        audit_record(
            company=company,
            target=run,
            verb=Verb.IMPORT_FINISHED,
            actor=actor,
            message=f"Import of {run.file_name} finished: {done} rows, {failed} with problems",
        )
    return run


def _customer_row(company: Company, row: dict[str, Any], actor: Actor) -> int:
    values = row["values"]
    fields = {
        "name": values["name"],
        "kind": values["kind"],
        **({"billing_address": values["billing_address"]} if values["billing_address"] else {}),
    }
    target = Customer.objects.for_company(company).filter(pk=row["target_id"]).first()
    if target is None:
        target = customers.customer_create_from_values(company=company, actor=actor, **fields)
    else:
        target = customers.customer_update_values(
            company=company, customer=target, actor=actor, **fields
        )
    contacts = Contact.objects.for_company(company).filter(customer=target)
    if (values["email"] or values["phone"]) and not (
        contacts.filter(email__iexact=values["email"]).exists()
        if values["email"]
        else contacts.filter(phone=values["phone"]).exists()
    ):
        customers.contact_create(
            company=company,
            customer=target,
            actor=actor,
            name=values["contact_name"] or values["name"],
            email=values["email"],
            phone=values["phone"],
        )
    if (
        values["street"]
        and not Location.objects.for_company(company)
        .filter(customer=target, street__iexact=values["street"], city__iexact=values["city"])
        .exists()
    ):
        customers.location_create(
            company=company,
            customer=target,
            actor=actor,
            label=values["location_label"],
            street=values["street"],
            city=values["city"],
            region=values["region"],
            postal_code=values["postal_code"],
        )
    if values["external_id"]:
        external_id_set(
            company=company,
            object_type="customer",
            object_id=target.pk,
            external_id=values["external_id"],
        )
    return target.pk


def _row_customer(company: Company, values: dict[str, Any]) -> Customer:
    customer = Customer.objects.for_company(company).filter(pk=values["customer_id"]).first()
    if customer is None:
        raise DomainError(f"No customer “{values['customer']}” any more.", field="customer")
    return customer


def _job_row(company: Company, row: dict[str, Any], actor: Actor) -> int:
    if row["action"] == "keep":
        return row["target_id"]
    values = row["values"]
    customer = _row_customer(company, values)
    locations = Location.objects.for_company(company).filter(customer=customer)
    if values["street"]:
        locations = locations.filter(street__iexact=values["street"])
    location = locations.order_by("id").first()
    if location is None:
        raise DomainError(
            "The customer has no service address"
            + (f" at “{values['street']}”." if values["street"] else "."),
            field="street",
        )
    job = job_create(
        company=company,
        customer=customer,
        location=location,
        title=values["title"],
        description=values["description"],
        actor=actor,
    )
    external_id_set(
        company=company, object_type="job", object_id=job.pk, external_id=values["external_id"]
    )
    return job.pk


def _invoice_row(company: Company, row: dict[str, Any], actor: Actor) -> int:
    if row["action"] == "keep":
        return row["target_id"]
    values = row["values"]
    invoice = invoice_create(
        company=company,
        customer=_row_customer(company, values),
        issue_date=date.fromisoformat(values["issue_date"]) if values["issue_date"] else None,
        due_date=date.fromisoformat(values["due_date"]),
        actor=actor,
        lines=[
            LineInput(
                description=values["description"],
                unit_price=values["unit_price"],
                quantity=Decimal(values["quantity"] or "1"),
                tax_rate=Decimal(values["tax_rate"] or "0"),
            )
        ],
    )
    # Open, as in the company's old software; not sent: nobody is emailed by an import.
    invoice_open(company=company, invoice=invoice, actor=actor)
    external_id_set(
        company=company,
        object_type="invoice",
        object_id=invoice.pk,
        external_id=values["external_id"],
    )
    return invoice.pk

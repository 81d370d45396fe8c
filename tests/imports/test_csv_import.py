"""Importing customers, jobs and open invoices from a CSV file in the office: a preview that
saves nothing, row-level problems in plain words, the import after "Import N rows", the same
services as the office and the API, and a second import of the same file that duplicates
nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from doorstep.billing.models import Invoice, InvoiceState
from doorstep.core.audit import audit_for
from doorstep.core.verbs import Verb
from doorstep.customers.models import Contact, Customer, Location
from doorstep.imports.models import ImportRun, ImportState
from doorstep.integrations.external_ids import external_id_set, external_lookup
from doorstep.jobs.models import Job
from doorstep.notifications.models import Notification

from ..factories import CustomerFactory
from ..office.helpers import office_client

pytestmark = pytest.mark.django_db

INDEX = "/office/import/"

CUSTOMERS = (
    "name,external_id,kind,email,phone,street,city,region,postal_code\r\n"
    "Carla Diaz,C-1,person,carla@example.com,555-0101,12 Oak Street,Springfield,IL,62701\r\n"
    "Bluewater Offices,C-2,business,ops@bluewater.example,,9 Harbor Rd,Portland,OR,97201\r\n"
)


def csv_file(text: str | bytes, name: str = "customers.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def upload(client: Client, kind: str, text: str | bytes, name: str = "file.csv"):
    return client.post(INDEX, {"kind": kind, "file": csv_file(text, name)})


def preview(client: Client, kind: str, text: str) -> ImportRun:
    response = upload(client, kind, text)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRun.objects.latest("id")


def confirm(client: Client, run: ImportRun):
    return client.post(reverse("office:imports:start", args=[run.pk]))


@pytest.fixture
def owner(company) -> Client:
    return office_client(Client(), company, "owner")


def test_a_good_customers_file_is_previewed_then_imported_with_contacts_and_addresses(
    company, owner
):
    run = preview(owner, "customers", CUSTOMERS)
    assert not Customer.objects.exists()  # nothing before the confirmation
    page = owner.get(reverse("office:imports:detail", args=[run.pk])).content.decode()
    assert "Nothing is saved yet" in page and "Import 2 rows" in page
    assert page.count("will create") == 2

    done = confirm(owner, run)
    assert done.status_code == 302
    carla = Customer.objects.get(company=company, name="Carla Diaz")
    assert carla.contacts.get().email == "carla@example.com"
    assert carla.locations.get().one_line.startswith("12 Oak Street")
    assert Customer.objects.get(name="Bluewater Offices").kind == "business"
    assert external_lookup(company=company, object_type="customer", external_id="C-1") == carla.pk
    assert audit_for(company=company, target=carla).filter(verb=Verb.CUSTOMER_CREATED).exists()
    run.refresh_from_db()
    assert run.state == ImportState.DONE and run.done == 2
    assert audit_for(company=company, target=run).filter(verb=Verb.IMPORT_FINISHED).exists()


def test_importing_the_same_file_again_updates_and_duplicates_nothing(company, owner):
    confirm(owner, preview(owner, "customers", CUSTOMERS))
    changed = CUSTOMERS.replace("Carla Diaz", "Carla Diaz-Moreno")
    run = preview(owner, "customers", changed)
    page = owner.get(reverse("office:imports:detail", args=[run.pk])).content.decode()
    assert page.count("will update") == 2 and "will create" not in page
    confirm(owner, run)
    assert Customer.objects.filter(company=company).count() == 2
    assert Contact.objects.filter(company=company).count() == 2
    assert Location.objects.filter(company=company).count() == 2
    assert Customer.objects.filter(name="Carla Diaz-Moreno").exists()


def test_a_customer_is_matched_by_email_when_the_file_has_no_external_id(company, owner):
    known = CustomerFactory(company=company, name="Carla D")
    Contact.objects.create(company=company, customer=known, name="Carla", email="carla@example.com")
    run = preview(owner, "customers", "name,email\r\nCarla Diaz,Carla@Example.com\r\n")
    assert run.rows[0]["action"] == "update" and run.rows[0]["target_id"] == known.pk
    confirm(owner, run)
    known.refresh_from_db()
    assert known.name == "Carla Diaz" and Customer.objects.count() == 1


def test_another_companys_external_id_is_never_matched(company, other_company, owner):
    theirs = CustomerFactory(company=other_company, name="Theirs")
    external_id_set(
        company=other_company, object_type="customer", object_id=theirs.pk, external_id="C-1"
    )
    run = preview(owner, "customers", CUSTOMERS)
    assert [row["action"] for row in run.rows] == ["create", "create"]
    confirm(owner, run)
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"
    assert Customer.objects.filter(company=company).count() == 2


def test_bad_rows_are_named_by_row_and_column_and_left_out(company, owner):
    text = (
        "name,external_id,email,street,city\r\n"
        "Carla Diaz,C-1,carla@,,\r\n"  # row 2: a bad email
        ",C-2,bo@example.com,,\r\n"  # row 3: no name
        "Dana Lee,C-3,dana@example.com,,\r\n"  # row 4: fine
        "Ed Wu,,,,\r\n"  # row 5: nothing to match it by next time
        "Fay Li,C-3,fay@example.com,1 Main St,\r\n"  # row 6: same id as row 4, no city
    )
    run = preview(owner, "customers", text)
    page = owner.get(reverse("office:imports:detail", args=[run.pk])).content.decode()
    assert "Import 1 row<" in page
    assert "<td>2</td><td>email</td><td>“carla@” is not an email address.</td>" in page
    assert "<td>3</td><td>name</td><td>The name is empty.</td>" in page
    assert "<td>5</td><td>external_id</td><td>Give an external id or an email" in page
    assert "<td>6</td><td>external_id</td><td>Row 4 is the same customer (C-3).</td>" in page
    assert "<td>6</td><td>city</td><td>The street has no city.</td>" in page
    confirm(owner, run)
    assert list(Customer.objects.values_list("name", flat=True)) == ["Dana Lee"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("external_id,email\r\nC-1,a@example.com\r\n", "The file has no column “name”"),
        ("Name;Email\r\n\xe9t\xe9;x".encode("latin-1"), "not a CSV file saved as UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file saved as UTF-8"),
        ("", "The file is empty."),
        ("name,email\r\n", "no rows"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_next_to_the_field(owner, content, words):
    response = upload(owner, "customers", content)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_file_error"' in page and words in page
    assert not ImportRun.objects.exists()


def test_a_file_too_large_is_refused(owner):
    big = "name,email\r\n" + "x" * (2 * 1024 * 1024 + 1)
    response = upload(owner, "customers", big)
    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()
    assert not ImportRun.objects.exists()


def customers_imported(owner):
    confirm(owner, preview(owner, "customers", CUSTOMERS))


def test_open_invoices_are_imported_in_dollars_and_never_emailed(company, owner):
    customers_imported(owner)
    text = (
        "external_id,customer,description,amount,quantity,tax_rate,issue_date,due_date\r\n"
        "INV-1,C-1,Water heater,1250.00,1,0,2026-11-01,2026-12-01\r\n"
        "INV-2,nobody@example.com,Drain,80,1,0,2026-11-01,2026-12-01\r\n"
        'INV-3,C-2,Filters,"12,50",2,0,2026-11-01,2026-12-01\r\n'
        "INV-4,ops@bluewater.example,Visit,$95.00,1,0,2026-11-01,2026-10-01\r\n"
        "INV-5,C-2,Checkup,40.00,,,,2026-12-31\r\n"
    )
    run = preview(owner, "invoices", text)
    page = owner.get(reverse("office:imports:detail", args=[run.pk])).content.decode()
    assert (
        "<td>3</td><td>customer</td>"
        "<td>No customer “nobody@example.com”. Import the customers first.</td>" in page
    )
    assert "<td>4</td><td>amount</td><td>“12,50”:" in page
    assert "<td>5</td><td>due_date</td><td>The due date is before the issue date.</td>" in page
    assert not Invoice.objects.exists()
    confirm(owner, run)
    invoice = Invoice.objects.get(company=company, customer__name="Carla Diaz")
    assert invoice.state == InvoiceState.OPEN and invoice.total == 125000
    assert Invoice.objects.get(customer__name="Bluewater Offices").total == 4000
    assert not Notification.objects.exists()
    confirm(owner, preview(owner, "invoices", text))  # again: kept, not duplicated
    assert Invoice.objects.filter(company=company).count() == 2


def test_jobs_are_imported_at_the_customers_address(company, owner):
    customers_imported(owner)
    text = (
        "external_id,customer,title,street\r\n"
        "J-1,C-1,Replace water heater,12 Oak Street\r\n"
        "J-2,C-2,,\r\n"
        "J-1,C-2,Twice,\r\n"
    )
    run = preview(owner, "jobs", text)
    assert [bool(row["errors"]) for row in run.rows] == [False, True, True]
    confirm(owner, run)
    job = Job.objects.get(company=company)
    assert job.title == "Replace water heater" and job.location.street == "12 Oak Street"
    run = preview(owner, "jobs", text)
    assert run.rows[0]["action"] == "keep"
    confirm(owner, run)
    assert Job.objects.filter(company=company).count() == 1


def test_a_large_file_runs_on_the_workers_with_a_progress_bar(
    company, owner, django_capture_on_commit_callbacks
):
    rows = "".join(f"Customer {i},C-{i},c{i}@example.com\r\n" for i in range(60))
    run = preview(owner, "customers", "name,external_id,email\r\n" + rows)
    ImportRun.objects.filter(pk=run.pk).update(state=ImportState.RUNNING, done=25)
    bar = owner.get(reverse("office:imports:progress", args=[run.pk]))
    assert 'hx-trigger="every 1s"' in bar.content.decode()
    assert '<progress id="import-bar" max="60" value="25">' in bar.content.decode()
    ImportRun.objects.filter(pk=run.pk).update(state=ImportState.PREVIEWED, done=0)
    # The tests' task backend runs the enqueued task at once, after the commit.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirm(owner, run)
    run.refresh_from_db()
    assert run.state == ImportState.RUNNING and len(callbacks) == 1  # handed to the workers
    page = owner.get(reverse("office:imports:detail", args=[run.pk])).content.decode()
    assert 'id="import-progress"' in page
    callbacks[0]()
    run.refresh_from_db()
    assert run.state == ImportState.DONE and run.done == 60
    assert Customer.objects.filter(company=company).count() == 60
    assert owner.get(reverse("office:imports:progress", args=[run.pk]))["HX-Refresh"] == "true"


def test_a_second_confirmation_imports_nothing_more(company, owner):
    run = preview(owner, "customers", CUSTOMERS)
    confirm(owner, run)
    confirm(owner, run)
    assert Customer.objects.filter(company=company).count() == 2


def test_another_companys_import_is_not_found(company, other_company, owner):
    theirs = preview(office_client(Client(), other_company, "owner"), "customers", CUSTOMERS)
    assert owner.get(reverse("office:imports:detail", args=[theirs.pk])).status_code == 404
    assert confirm(owner, theirs).status_code == 404
    assert not Customer.objects.filter(company=company).exists()


def test_the_templates_download_with_their_columns(owner):
    response = owner.get(reverse("office:imports:template", args=["invoices"]))
    assert response["Content-Disposition"] == 'attachment; filename="doorstep-invoices.csv"'
    assert response.content.decode().startswith("external_id,customer,description,amount,due_date")


def test_the_preview_page_costs_the_same_queries_however_long_the_file(
    company, owner, django_assert_num_queries
):
    small = preview(owner, "customers", CUSTOMERS)
    rows = "".join(f"Customer {i},C-{i},c{i}@example.com\r\n" for i in range(300))
    big = preview(owner, "customers", "name,external_id,email\r\n" + rows)
    for run in (small, big):
        with django_assert_num_queries(5):
            owner.get(reverse("office:imports:detail", args=[run.pk]))


def test_technicians_and_billing_may_not_import(company):
    for role in ("technician", "billing"):
        client = office_client(Client(), company, role)
        assert client.get(INDEX).status_code == 403


def test_the_sample_files_in_docs_import_with_the_problems_they_show(company, owner):
    from pathlib import Path

    from django.conf import settings

    examples = Path(settings.BASE_DIR) / "docs" / "examples"
    outcomes = {}
    for kind in ("customers", "jobs", "invoices"):
        run = preview(owner, kind, (examples / f"import-{kind}.csv").read_text())
        outcomes[kind] = [bool(row["errors"]) for row in run.rows]
        confirm(owner, run)
    assert outcomes == {
        "customers": [False, False, True, True],
        "jobs": [False, False, True],
        "invoices": [False, False, True],
    }
    assert Customer.objects.filter(company=company).count() == 2
    assert Job.objects.filter(company=company).count() == 2
    assert Invoice.objects.filter(company=company, state=InvoiceState.OPEN).count() == 2

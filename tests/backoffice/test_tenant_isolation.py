"""Staff of company A never see or change company B's rows through /office/."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from doorstep.billing.models import Invoice
from doorstep.customers.models import Customer

from ..factories import (
    ContactFactory,
    CustomerFactory,
    TechnicianFactory,
    make_invoice,
    make_job,
    staff_user,
)
from .helpers import post_form, staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_companies(company, other_company):
    mine = CustomerFactory(company=company, name="Alice Mine")
    theirs = CustomerFactory(company=other_company, name="Bob Theirs")
    for customer in (mine, theirs):
        ContactFactory(customer=customer)
    return {
        "me": staff_user(company, username="me"),
        "stranger": staff_user(other_company, username="stranger"),
        "mine": mine,
        "theirs": theirs,
        "my_invoice": make_invoice(mine),
        "their_invoice": make_invoice(theirs),
        "my_job": make_job(mine),
        "their_job": make_job(theirs),
    }


def test_sign_in_through_the_login_page_with_csrf(two_companies):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/office/admin/login/")
    assert page.status_code == 200 and "Doorstep" in page.content.decode()
    response = client.post(
        "/office/admin/login/?next=/office/",
        {
            "username": "me",
            "password": "correct-horse-battery",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302
    index = client.get("/office/admin/")
    assert index.status_code == 200
    assert f"{two_companies['mine'].company.name} · Doorstep back office" in index.content.decode()


@pytest.mark.parametrize(
    ("url", "mine", "theirs"),
    [
        ("/office/admin/customers/customer/", "Alice Mine", "Bob Theirs"),
        ("/office/admin/billing/invoice/", "Alice Mine", "Bob Theirs"),
        ("/office/admin/jobs/job/", "Alice Mine", "Bob Theirs"),
    ],
)
def test_changelist_shows_only_my_company(two_companies, url, mine, theirs):
    body = staff_client(two_companies["me"]).get(url).content.decode()
    assert mine in body and theirs not in body


@pytest.mark.parametrize("key", ["theirs", "their_invoice", "their_job"])
def test_change_page_of_another_company_is_not_shown(two_companies, key):
    obj = two_companies[key]
    url = f"/office/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    response = staff_client(two_companies["me"]).get(url, follow=True)
    body = response.content.decode()
    assert "Bob Theirs" not in body
    assert "doesn’t exist" in body or "doesn't exist" in body


def test_post_edit_of_another_companys_customer_changes_nothing(two_companies):
    client = staff_client(two_companies["me"])
    theirs = two_companies["theirs"]
    # The form of my own customer, posted to their customer's URL.
    mine_url = f"/office/admin/customers/customer/{two_companies['mine'].pk}/change/"
    page = client.get(mine_url)
    assert page.status_code == 200
    response = client.post(
        f"/office/admin/customers/customer/{theirs.pk}/change/",
        {
            "name": "Hacked",
            "kind": "person",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code in (302, 404)
    theirs.refresh_from_db()
    assert theirs.name == "Bob Theirs"


def test_foreign_key_choices_offer_only_my_rows(two_companies, company, other_company):
    client = staff_client(two_companies["me"])
    response = client.get(
        "/office/admin/autocomplete/",
        {"app_label": "billing", "model_name": "invoice", "field_name": "customer", "term": ""},
    )
    names = [row["text"] for row in json.loads(response.content)["results"]]
    assert names == ["Alice Mine"]
    TechnicianFactory(company=company)
    page = client.get("/office/admin/jobs/technician/add/").content.decode()
    assert "stranger" not in page  # the user picker lists only my company's staff


def test_posting_another_companys_customer_on_an_invoice_is_refused(two_companies):
    client = staff_client(two_companies["me"])
    before = Invoice.objects.count()
    response = post_form(
        client,
        "/office/admin/billing/invoice/add/",
        {
            "customer": str(two_companies["theirs"].pk),
            "issue_date": "2026-11-01",
            "due_date": "2026-11-15",
            "kind": "standard",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Invoice.objects.count() == before


def test_a_job_of_another_company_cannot_be_moved_by_action(two_companies):
    client = staff_client(two_companies["me"])
    their_job = two_companies["their_job"]
    client.get("/office/admin/jobs/job/")
    client.post(
        "/office/admin/jobs/job/",
        {
            "action": "mark_cancelled",
            "_selected_action": [str(their_job.pk)],
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    their_job.refresh_from_db()
    assert their_job.status == "unscheduled"


def test_superuser_sees_every_company(two_companies):
    from ..factories import UserFactory

    admin = UserFactory(is_superuser=True)
    body = staff_client(admin).get("/office/admin/customers/customer/").content.decode()
    assert "Alice Mine" in body and "Bob Theirs" in body


def test_staff_without_membership_is_kept_out(db):
    from ..factories import UserFactory

    loner = UserFactory()
    response = staff_client(loner).get("/office/admin/customers/customer/")
    assert response.status_code == 302 and "/office/admin/login/" in response["Location"]
    assert Customer.objects.count() == 0


def test_list_filters_name_only_my_companys_people(two_companies, company, other_company):
    TechnicianFactory(company=company, name="Tina Mine")
    theirs = TechnicianFactory(company=other_company, name="Tom Theirs")
    make_job(two_companies["theirs"], technician=theirs)
    make_job(two_companies["mine"], technician=company.technician_set.get())
    body = staff_client(two_companies["me"]).get("/office/admin/jobs/job/").content.decode()
    assert "Tina Mine" in body and "Tom Theirs" not in body


def test_staff_of_two_companies_pick_the_company_and_only_theirs(company, other_company):
    from doorstep.tenancy.models import Membership

    from ..factories import CompanyFactory

    third = CompanyFactory()
    user = staff_user(company, username="both")
    Membership.objects.create(user=user, company=other_company, role="office")
    client = staff_client(user)
    page = client.get("/office/admin/customers/customer/add/").content.decode()
    assert other_company.name in page and third.name not in page
    response = post_form(
        client,
        "/office/admin/customers/customer/add/",
        {"company": str(third.pk), "name": "Sneaky", "kind": "person"},
    )
    assert "Select a valid choice" in response.content.decode()
    response = post_form(
        client,
        "/office/admin/customers/customer/add/",
        {"company": str(other_company.pk), "name": "Second shop customer", "kind": "person"},
    )
    assert response.status_code == 302
    assert Customer.objects.get(name="Second shop customer").company == other_company
    assert not Customer.objects.filter(name="Sneaky").exists()

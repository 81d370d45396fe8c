"""The office's gate and frame: sign-in, one company at a time, the role's 403 page."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from doorstep.office.gate import Office, office_page
from doorstep.tenancy.models import Membership
from doorstep.tenancy.roles import StaffAction

from ..factories import CompanyFactory, CustomerFactory, staff_user
from .helpers import office_client

pytestmark = pytest.mark.django_db


def test_a_visitor_is_sent_to_the_office_sign_in_and_comes_back(client: Client, company):
    response = client.get("/office/")
    assert response.status_code == 302
    assert response["Location"] == "/office/sign-in/?next=/office/"
    staff_user(company, role="office", username="olive", password="correct-horse-battery")
    client.get("/office/sign-in/")
    signed_in = client.post(
        "/office/sign-in/?next=/office/",
        {"username": "olive", "password": "correct-horse-battery", "next": "/office/"},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/office/"
    assert company.name in client.get("/office/").content.decode()


def test_a_wrong_password_is_refused_on_the_page(client: Client, company):
    staff_user(company, username="olive", password="correct-horse-battery")
    response = client.post("/office/sign-in/", {"username": "olive", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_a_customer_session_opens_no_office(client: Client, company):
    from ..factories import UserFactory

    client.force_login(UserFactory(is_staff=False))
    assert client.get("/office/").status_code == 403  # is_staff is required


def test_staff_without_a_company_get_a_plain_page(client: Client):
    from ..factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    response = client.get("/office/")
    assert response.status_code == 403
    assert "not on the staff of any company" in response.content.decode()


def test_the_office_works_in_one_chosen_company_and_never_another(client: Client, company):
    other = CompanyFactory(name="Zed Electric")
    stranger = CompanyFactory(name="Aardvark Pest Control")  # not this user's company
    member = staff_user(company, role="office")
    Membership.objects.create(user=member, company=other, role="billing")
    client.force_login(member)  # (a membership added later ends the session: roles changed)
    home = client.get("/office/").content.decode()
    assert "Zed Electric" in home and "Aardvark" not in home  # only their companies offered

    client.post("/office/company/", {"company": str(other.pk), "next": "/office/"})
    assert '<span class="brand-name">Zed Electric</span>' in client.get("/office/").content.decode()

    client.post("/office/company/", {"company": str(stranger.pk), "next": "/office/"})
    page = client.get("/office/").content.decode()
    assert '<span class="brand-name">Zed Electric</span>' in page  # the stranger was ignored


def test_switching_company_never_redirects_off_site(client: Client, company):
    office_client(client, company)
    response = client.post(
        "/office/company/", {"company": str(company.pk), "next": "https://evil.test/"}
    )
    assert response["Location"] == "/office/"


def test_a_role_without_the_action_gets_the_office_403_page(company):
    technician = staff_user(company, role="technician")

    @office_page(StaffAction.REFUND)
    def refund_page(request, office: Office) -> HttpResponse:
        return HttpResponse("refunded")

    request = RequestFactory().get("/office/somewhere/")
    request.user = technician
    request.session = {}
    response = refund_page(request)
    assert response.status_code == 403
    assert "does not include this page" in response.content.decode()

    request.user = staff_user(company, role="billing")
    assert refund_page(request).content == b"refunded"


def test_the_home_costs_the_same_queries_for_a_small_and_a_big_company(
    client: Client, company, django_assert_num_queries
):
    office_client(client, company)
    client.get("/office/")
    # session, user, memberships, company, one count per needs-attention area, and the two
    # reads of the adoption headline numbers (docs/adoption.md)
    with django_assert_num_queries(14):
        assert client.get("/office/").status_code == 200
    CustomerFactory.create_batch(30, company=company)
    with django_assert_num_queries(14):
        assert client.get("/office/").status_code == 200

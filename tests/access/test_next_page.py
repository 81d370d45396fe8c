"""A signed-out customer who opens a portal page lands on it after signing in."""

import re

import pytest
from django.test import Client

from doorstep.portal.next_page import next_path_allowed

from ..factories import ContactFactory, make_job, make_portal_account

pytestmark = pytest.mark.django_db(transaction=True)


def test_after_the_emailed_link_the_customer_lands_on_the_page_they_wanted(mailbox):
    account = make_portal_account(ContactFactory())
    company = account.company
    job = make_job(account.customer)
    client = Client()
    wanted = f"/p/{company.slug}/jobs/{job.pk}/"
    to_sign_in = client.get(wanted)
    assert to_sign_in.status_code == 302 and "next=" in to_sign_in["Location"]
    client.get(to_sign_in["Location"])  # the sign-in page remembers where they were going
    page = client.get(f"/p/{company.slug}/sign-in")
    token = (
        page.cookies["csrftoken"].value
        if "csrftoken" in page.cookies
        else client.cookies["csrftoken"].value
    )
    client.post(
        f"/p/{company.slug}/sign-in/link", {"email": account.email, "csrfmiddlewaretoken": token}
    )
    [message] = mailbox.to(account.email)
    link = re.search(r"https://portal\.example\.test(\S+)", mailbox.text(message)).group(1)
    confirm = client.get(link)
    assert confirm.status_code == 200
    signed_in = client.post(link, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == wanted
    assert client.get(wanted).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.test/p/x/",
        "//evil.test/p/x/",
        "/p/other/jobs/",
        "/p/x//evil.test",
        "/p/x/sign-in",
        "",
        None,
    ],
)
def test_only_paths_inside_this_portal_are_followed(path):
    class Company:
        slug = "x"

    assert not next_path_allowed(Company(), path)
    assert next_path_allowed(Company(), "/p/x/jobs/4/")

"""Every work page (jobs, requests, messages, registrations) by every role: the page answers
403 exactly when `staff_may` refuses its action to the role, and is usable otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from doorstep.jobs.services import job_photos_add
from doorstep.messaging.models import MessageAttachment
from doorstep.messaging.services import conversation_start
from doorstep.tenancy.roles import ROLE_ACTIONS

from ...factories import SYSTEM, TechnicianFactory, make_service_request
from ...servicerequests.helpers import png
from ..helpers import office_client
from .world import customer_with_contact, job_assigned, registration_waiting

pytestmark = pytest.mark.django_db

AREAS = ["jobs", "requests", "messages", "registrations"]
ROLES = ["owner", "office", "billing", "technician"]


def area_patterns() -> list[tuple[str, URLPattern]]:
    _, office = get_resolver().namespace_dict["office"]
    found = []
    for area in AREAS:
        _, resolver = office.namespace_dict[area]
        found += [(area, p) for p in resolver.url_patterns if isinstance(p, URLPattern)]
    assert len(found) >= 15
    return found


def world(company: Any, technician_user: Any) -> dict[str, Any]:
    carla = customer_with_contact(company)
    sam = TechnicianFactory(company=company, user=technician_user)
    job = job_assigned(carla, sam)  # the technician's own job
    [photo] = job_photos_add(company=company, job=job, photos=[png()], actor=SYSTEM)
    sr = make_service_request(carla, location=carla.locations.first(), photos=[png()])
    conversation = conversation_start(
        company=company, customer=carla, subject="Hi", body="Hello", actor=SYSTEM, photos=[png()]
    )
    return {
        "jobs": {"pk": job.pk, "photo_id": photo.pk},
        "requests": {"pk": sr.pk, "photo_id": sr.photos.get().pk},
        "messages": {
            "pk": conversation.pk,
            "attachment_id": MessageAttachment.objects.get().pk,
        },
        "registrations": {"pk": registration_waiting(company, "dana@example.org").pk},
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_work_page_follows_the_roles_table(company, role):
    client = office_client(Client(), company, role)
    objects = world(company, client.staff_user)
    checked = 0
    for area, pattern in area_patterns():
        kwargs = {k: objects[area][k] for k in pattern.pattern.converters}
        url = reverse(f"office:{area}:{pattern.name}", kwargs=kwargs)
        action = pattern.callback.office_action
        allowed = action in ROLE_ACTIONS[role]
        response = client.get(url)
        if response.status_code == 405:  # a POST-only action
            response = client.post(url, {})
        assert (response.status_code == 403) == (not allowed), (role, url, response.status_code)
        if allowed:
            assert response.status_code in (200, 302, 400), (role, url, response.status_code)
        checked += 1
    assert checked >= 15

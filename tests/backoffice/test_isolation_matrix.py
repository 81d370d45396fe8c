"""Every company-owned model in the back office, walked with the demo data: the owner of
Bluewater sees none of Evergreen's rows in any list or record page, and every admin and inline
of a company-owned model uses the tenant-scoped base (also those added later by other apps)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.test import Client

from doorstep.backoffice.tenant_admin import TenantScopedMixin
from doorstep.demo.catalogue import DEMO_PASSWORD
from doorstep.tenancy.models import Company

pytestmark = pytest.mark.django_db


def company_owned(model: type[models.Model]) -> bool:
    return any(f.name == "company" and f.is_relation for f in model._meta.get_fields())


def test_every_admin_of_a_company_owned_model_is_tenant_scoped():
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        if model is Company:
            continue  # CompanyAdmin scopes by membership itself (tested in test_company_admin)
        if company_owned(model) and not isinstance(model_admin, TenantScopedMixin):
            unscoped.append(model._meta.label)
        for inline in model_admin.inlines:
            if company_owned(inline.model) and not issubclass(inline, TenantScopedMixin):
                unscoped.append(f"{model._meta.label} inline {inline.model._meta.label}")
    assert unscoped == []


def test_no_list_or_record_page_shows_another_companys_rows():
    call_command("demo", quiet=True)
    mine, theirs = Company.objects.get(slug="bluewater"), Company.objects.get(slug="evergreen")
    client = Client()
    assert client.login(username="owner@bluewater.test", password=DEMO_PASSWORD)
    checked = 0
    for model, _ in admin.site._registry.items():
        if not company_owned(model):
            continue
        opts = model._meta
        base = f"/office/admin/{opts.app_label}/{opts.model_name}/"
        listing = client.get(base)
        if listing.status_code == 200 and "cl" in (listing.context or {}):
            shown = {obj.company_id for obj in listing.context["cl"].result_list}
            assert shown <= {mine.pk}, opts.label
        for obj in model._default_manager.filter(company=theirs)[:3]:
            page = client.get(f"{base}{obj.pk}/change/")
            assert page.status_code in (302, 404), (opts.label, obj.pk, page.status_code)
            checked += 1
    assert checked >= 15  # customers, locations, technicians, jobs, invoices, estimates...

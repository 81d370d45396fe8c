"""One home for "is this feature on for this company": the plan AND the company's switch."""

from __future__ import annotations

import pytest

from doorstep.core.colour import accent_warning, contrast_ratio, text_on
from doorstep.portal.templatetags.portal_format import accent_css
from doorstep.tenancy.features import feature_on, feature_states, features_on
from doorstep.tenancy.plans import Feature, plan_of

pytestmark = pytest.mark.django_db


def test_self_hosted_default_plan_gives_every_feature(company):
    assert plan_of(company).code == "everything"
    assert features_on(company=company) == frozenset(Feature)


def test_a_switched_off_section_is_off_whatever_the_plan(company):
    company.settings.estimates_section_enabled = False
    assert not feature_on(company=company, feature=Feature.ESTIMATES)
    assert feature_on(company=company, feature=Feature.INVOICES)


def test_a_feature_outside_the_plan_is_off_even_when_switched_on(company, settings):
    company.plan = "starter"
    assert not feature_on(company=company, feature=Feature.ESTIMATES)
    assert feature_on(company=company, feature=Feature.INVOICES)
    state = {s.feature: s for s in feature_states(company=company)}[Feature.ESTIMATES]
    assert state.switched_on and not state.in_plan and not state.on
    assert state.explanation.startswith("Available on the Pro plan")


def test_the_operator_default_plan_applies_to_companies_without_one(company, settings):
    settings.DOORSTEP_DEFAULT_PLAN = "starter"
    assert not feature_on(company=company, feature=Feature.MESSAGES)
    company.plan = "pro"
    assert feature_on(company=company, feature=Feature.MESSAGES)


def test_an_unknown_plan_code_falls_back_to_the_default_rather_than_switching_off(company):
    company.plan = "gold-legacy"
    assert features_on(company=company) == frozenset(Feature)


def test_new_requests_need_the_section_and_the_online_requests_switch(company):
    from doorstep.servicerequests.services import service_requests_accepted

    assert service_requests_accepted(company)
    company.settings.service_requests_enabled = False  # history stays, no new requests
    assert feature_on(company=company, feature=Feature.REQUESTS)
    assert not service_requests_accepted(company)
    company.settings.service_requests_enabled = True
    company.settings.requests_section_enabled = False
    assert not service_requests_accepted(company)
    company.settings.requests_section_enabled = True
    company.plan = "starter"
    assert not service_requests_accepted(company)


def test_contrast_warning_and_portal_accent_share_one_rule():
    light = "#ffe066"
    assert contrast_ratio(light, "#ffffff") < 4.5
    warning = accent_warning(light)
    assert "hard to read" in warning and "dark text" in warning
    # What the warning promises is what the portal does: dark text on the light colour.
    assert f"--on-accent:{text_on(light)}" in accent_css(light)
    assert text_on(light) != "#ffffff"
    assert accent_warning("#1f6feb") == ""
    assert "--on-accent:#ffffff" in accent_css("#1f6feb")
    assert "choose a darker or lighter" in accent_warning("#808080")

"""The one home for "is this feature on for this company": the company's plan allows it AND
the company has not switched the portal section off. The portal (navigation and pages) and the
office (settings, explanations) both ask here; nothing else reads the section switches.

Reads only `company` and `company.settings` (loaded with the company by the portal gate and
the office), so asking costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .plans import FEATURE_LABELS, Feature, plan_of, smallest_plan_with

if TYPE_CHECKING:
    from .models import Company, CompanySettings

# The CompanySettings switch of each portal section.
SECTION_SWITCHES: dict[Feature, str] = {
    Feature.JOBS: "jobs_section_enabled",
    Feature.INVOICES: "invoices_section_enabled",
    Feature.ESTIMATES: "estimates_section_enabled",
    Feature.DOCUMENTS: "documents_section_enabled",
    Feature.MESSAGES: "messages_section_enabled",
    Feature.REQUESTS: "requests_section_enabled",
}


def feature_in_plan(*, company: Company, feature: Feature) -> bool:
    return feature in plan_of(company).features


def section_switched_on(*, settings: CompanySettings, feature: Feature) -> bool:
    return bool(getattr(settings, SECTION_SWITCHES[feature]))


def feature_on(*, company: Company, feature: Feature | str) -> bool:
    """Customers see and use the feature: in the plan and switched on by the company."""
    feature = Feature(feature)
    return feature_in_plan(company=company, feature=feature) and section_switched_on(
        settings=company.settings, feature=feature
    )


def features_on(*, company: Company) -> frozenset[Feature]:
    return frozenset(f for f in Feature if feature_on(company=company, feature=f))


@dataclass(frozen=True)
class FeatureState:
    """What staff are told about one feature on the settings page."""

    feature: Feature
    label: str
    in_plan: bool
    switched_on: bool
    switch_field: str
    plan_needed: str  # "Pro" when not in the plan

    @property
    def on(self) -> bool:
        return self.in_plan and self.switched_on

    @property
    def explanation(self) -> str:
        if not self.in_plan:
            return (
                f"Available on the {self.plan_needed} plan. Customers do not see it; "
                "ask your Doorstep provider to change your plan."
            )
        return "" if self.switched_on else "Switched off: customers do not see it."


def feature_states(*, company: Company) -> list[FeatureState]:
    return [
        FeatureState(
            feature=f,
            label=FEATURE_LABELS[f],
            in_plan=feature_in_plan(company=company, feature=f),
            switched_on=section_switched_on(settings=company.settings, feature=f),
            switch_field=SECTION_SWITCHES[f],
            plan_needed=smallest_plan_with(f).name,
        )
        for f in Feature
    ]

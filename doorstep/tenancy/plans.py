"""Plans: which features an operator's plan gives a company (seeds 000/001/004: "available on
the Pro plan and above").

A self-hoster runs the installation default, "everything". An operator selling Doorstep sets
DOORSTEP_DEFAULT_PLAN (e.g. "starter") and gives each company its plan in the office.
Whether a feature is on for a company is asked in features.py, never here directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings


class Feature(StrEnum):
    """What a customer can use in the portal, in the business's words."""

    JOBS = "jobs"
    INVOICES = "invoices"
    ESTIMATES = "estimates"
    DOCUMENTS = "documents"
    MESSAGES = "messages"
    REQUESTS = "requests"


FEATURE_LABELS: dict[Feature, str] = {
    Feature.JOBS: "Jobs",
    Feature.INVOICES: "Invoices and payments",
    Feature.ESTIMATES: "Estimates",
    Feature.DOCUMENTS: "Documents",
    Feature.MESSAGES: "Messages",
    Feature.REQUESTS: "Service requests",
}


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    features: frozenset[Feature]


_STARTER = frozenset({Feature.JOBS, Feature.INVOICES, Feature.DOCUMENTS})

# In order from smallest to largest: "available on the X plan" names the smallest that has it.
PLANS: dict[str, Plan] = {
    "starter": Plan("starter", "Starter", _STARTER),
    "pro": Plan("pro", "Pro", frozenset(Feature)),
    "everything": Plan("everything", "Everything (self-hosted)", frozenset(Feature)),
}
SELLABLE = ("starter", "pro")  # the plans an operator gives; "everything" is self-hosting


def plan_of(company: object) -> Plan:
    """The company's plan, else the installation's default; an unknown code (a plan renamed
    by the operator) falls back to the default rather than switching features off."""
    code = getattr(company, "plan", "") or settings.DOORSTEP_DEFAULT_PLAN
    return PLANS.get(code) or PLANS.get(settings.DOORSTEP_DEFAULT_PLAN) or PLANS["everything"]


def smallest_plan_with(feature: Feature) -> Plan:
    for code in SELLABLE:
        if feature in PLANS[code].features:
            return PLANS[code]
    return PLANS["everything"]

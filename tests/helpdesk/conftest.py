from __future__ import annotations

from typing import Any

import pytest

from doorstep.core.audit import Actor
from doorstep.support.articles import article_save, category_save
from doorstep.support.models import Visibility


@pytest.fixture
def articles(company: Any) -> dict[str, Any]:
    """A small help site: two categories, a public, a customers-only and a staff-only article."""
    actor = Actor.system("tests")
    billing = category_save(company=company, name="Billing", position=1)
    heating = category_save(company=company, name="Heating", position=2)
    return {
        "billing": billing,
        "heating": heating,
        "pay": article_save(
            company=company,
            actor=actor,
            category=billing,
            title="How to pay an invoice",
            body_markdown="# Paying\n\nUse the **Pay** button. <script>alert(1)</script>\n\n"
            "[Stripe](https://stripe.com) and [bad](javascript:alert(1))",
        ),
        "autopay": article_save(
            company=company,
            actor=actor,
            category=billing,
            title="Autopay for members",
            body_markdown="Members can turn on autopay.",
            visibility=Visibility.CUSTOMERS,
        ),
        "internal": article_save(
            company=company,
            actor=actor,
            category=billing,
            title="Refund policy (staff)",
            body_markdown="Refunds up to $200 without asking.",
            visibility=Visibility.STAFF,
        ),
        "leak": article_save(
            company=company,
            actor=actor,
            category=heating,
            title="Water heater leaking",
            body_markdown="Turn off the water supply to the heater first.",
        ),
    }

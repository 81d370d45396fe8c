from __future__ import annotations

from .models import Company, Membership


def company_by_slug(*, slug: str) -> Company | None:
    return Company.objects.select_related("settings").filter(slug=slug).first()


def company_staff(*, company: Company) -> list[Membership]:
    """Who works for the company, with their user, by name."""
    return list(
        Membership.objects.filter(company=company)
        .select_related("user")
        .order_by("user__first_name", "user__email", "pk")
    )


def company_staff_member(*, company: Company, pk: int) -> Membership | None:
    return Membership.objects.filter(company=company, pk=pk).select_related("user").first()

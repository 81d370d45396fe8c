"""The back-office banner shown while a company's email is not getting through."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from doorstep.notifications.undelivered import (
    notifications_undelivered,
    office_list_path,
    undelivered_alerts_open,
)
from doorstep.tenancy.roles import StaffAction

from ..tenant_admin import staff_company_ids

register = template.Library()
# The office home page and the outbox list: where staff land and where they act. (Not every
# page: list pages have exact query budgets, tests/backoffice/test_list_queries.py.)
SHOWN_ON = {"index", "notifications_notification_changelist"}


@register.simple_tag(takes_context=True)
def undelivered_mail_banner(context: dict[str, Any]) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated or not user.is_staff:
        return ""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name not in SHOWN_ON:
        return ""
    company_ids = (
        None if user.is_superuser else staff_company_ids(request, StaffAction.MESSAGE_CUSTOMERS)
    )
    if company_ids == []:
        return ""
    if not undelivered_alerts_open(company_ids=company_ids).exists():
        return ""
    count = notifications_undelivered(company_ids=company_ids).count()
    if not count:
        return ""
    return format_html(
        '<ul class="messagelist"><li class="error" role="alert">{} email(s) or text(s) to '
        "customers could not be delivered yet (Doorstep keeps trying). "
        '<a href="{}">See undelivered mail</a></li></ul>',
        count,
        office_list_path(),
    )

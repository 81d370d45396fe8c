"""Which staff may work the request queue and the office inbox: owners and office staff.

Django's per-model permissions are not used for company staff (their rights come from their
membership role); a superuser may do everything.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

OFFICE_ROLES = ("owner", "office")


def is_office_staff(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.is_staff and user.memberships.filter(role__in=OFFICE_ROLES).exists())


class OfficeRolePermissions:
    """Mixed into ModelAdmins: owner/office members may view and change (not add/delete
    unless the admin itself allows it)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_office_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_office_staff(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_office_staff(request)

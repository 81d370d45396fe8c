from django.contrib import admin
from django.http import HttpRequest


class BackOfficeSite(admin.AdminSite):
    site_header = "Doorstep back office"
    site_title = "Doorstep"
    index_title = "Your company"

    def has_permission(self, request: HttpRequest) -> bool:
        # Staff means: an active user with a company membership (or a superuser).
        user = request.user
        return bool(
            user.is_active and (user.is_superuser or (user.is_staff and user.memberships.exists()))
        )

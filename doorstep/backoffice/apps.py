from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BackofficeConfig(AppConfig):
    default = True
    name = "doorstep.backoffice"
    label = "backoffice"

    def ready(self) -> None:
        from . import staff_sessions  # noqa: F401  (connects the sign-in receiver)


class DoorstepAdminConfig(admin_apps.AdminConfig):
    """Django admin, branded as the Doorstep back office and mounted at /office/. Its
    autodiscovery finds one `admin.py` of ours: doorstep/backoffice/admin.py."""

    default = False

    default_site = "doorstep.backoffice.site.BackOfficeSite"

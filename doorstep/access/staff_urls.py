"""Staff endpoints of the Portal Access section, mounted at /office/access/ before the admin."""

from django.urls import path

from . import staff_views

app_name = "access_staff"

urlpatterns = [
    path(
        "customers/<int:customer_id>/<slug:action>",
        staff_views.customer_access_action,
        name="customer_action",
    ),
]

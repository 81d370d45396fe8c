"""The office workspace at /office/. Each area has its own URL module and namespace
(office:invoices:detail ...); Django's admin stays at /office/admin/ (backoffice/urls.py)."""

from django.urls import include, path

from . import home, search, sign_in

app_name = "office"

urlpatterns = [
    path("", home.home, name="home"),
    path("search/", search.search, name="search"),
    path("sign-in/", sign_in.OfficeSignIn.as_view(), name="sign_in"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
    path("company/", sign_in.switch_company, name="switch_company"),
    # Areas: path("<area>/", include("doorstep.office.<area>.urls")),
    path("customers/", include("doorstep.office.customers.urls")),
    path("jobs/", include("doorstep.office.jobs.urls")),
    path("requests/", include("doorstep.office.requests.urls")),
    path("messages/", include("doorstep.office.messages.urls")),
    path("registrations/", include("doorstep.office.registrations.urls")),
    path("settings/", include("doorstep.office.settings.urls")),
    path("staff/", include("doorstep.office.staff.urls")),
    path("integrations/", include("doorstep.office.integrations.urls")),
    path("help/", include("doorstep.office.help.urls")),
    path("sso/", include("doorstep.office.sso.urls")),
    path("invoices/", include("doorstep.office.invoices.urls")),
    path("estimates/", include("doorstep.office.estimates.urls")),
    path("payments/", include("doorstep.office.payments.urls")),
    path("import/", include("doorstep.office.imports.urls")),
    path("adoption/", include("doorstep.office.adoption.urls")),
]

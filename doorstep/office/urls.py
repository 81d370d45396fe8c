"""The office workspace at /office/. Each area has its own URL module and namespace
(office:invoices:detail ...); Django's admin stays at /office/admin/ (backoffice/urls.py)."""

from django.urls import include, path

from . import home, sign_in

app_name = "office"

urlpatterns = [
    path("", home.home, name="home"),
    path("sign-in/", sign_in.OfficeSignIn.as_view(), name="sign_in"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
    path("company/", sign_in.switch_company, name="switch_company"),
    # Areas: path("<area>/", include("doorstep.office.<area>.urls")),
    path("invoices/", include("doorstep.office.invoices.urls")),
    path("estimates/", include("doorstep.office.estimates.urls")),
    path("payments/", include("doorstep.office.payments.urls")),
]

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("logo", views.logo, name="logo"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/pdf", views.invoice_pdf, name="invoice_pdf"),
    path("payments/", views.payments, name="payments"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/live", views.jobs_live, name="jobs_live"),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("estimates/", views.estimates, name="estimates"),
    path("estimates/<int:estimate_id>/", views.estimate_detail, name="estimate_detail"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:document_id>/download", views.document_download, name="document_download"),
    path("locations/", views.locations, name="locations"),
]

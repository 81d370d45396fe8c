from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("logo", views.logo, name="logo"),
    # Minimal placeholder from the access branch; the portal pages branch replaces it.
    path("invoices/<int:invoice_id>", views.invoice_detail, name="invoice_detail"),
]

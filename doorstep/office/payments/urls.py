"""office:payments:* (docs/office.md, "Invoices, estimates and payments")."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("", views.payment_list, name="list"),
    path("<int:payment_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
]

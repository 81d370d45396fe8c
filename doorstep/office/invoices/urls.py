"""office:invoices:* (docs/office.md, "Invoices, estimates and payments")."""

from django.urls import path

from . import actions, views

app_name = "invoices"

urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("new/", views.invoice_new, name="new"),
    path("totals/", views.invoice_totals, name="totals"),
    path("<int:pk>/", views.invoice_detail, name="detail"),
    path("<int:pk>/edit/", views.invoice_edit, name="edit"),
    path("<int:pk>/send/", actions.invoice_send_view, name="send"),
    path("<int:pk>/record-payment/", actions.record_payment, name="record_payment"),
    path("<int:pk>/charge-card/", actions.charge_card, name="charge_card"),
    path("<int:pk>/payments/<int:payment_id>/refund/", actions.refund, name="refund"),
    path("<int:pk>/void/", actions.void, name="void"),
]

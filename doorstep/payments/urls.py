from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    # GET ?invoice=<id>&invoice=<id>: the checkout page for the chosen invoices.
    path("pay", views.checkout, name="checkout"),
    path("payments/<int:payment_id>/receipt", views.receipt, name="receipt"),
]

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    # GET ?invoice=<id>&invoice=<id>: the checkout page for the chosen invoices; POST: pay.
    path("pay", views.checkout, name="checkout"),
    path("payments/<int:payment_id>/confirm", views.confirm, name="confirm"),
    path("payments/<int:payment_id>/receipt", views.receipt, name="receipt"),
    path("payment-methods", views.methods, name="methods"),
    path("payment-methods/<int:method_id>/remove", views.method_remove, name="method_remove"),
    path("payment-methods/autopay", views.autopay, name="autopay"),
]

"""Mounted at /webhooks/ (outside the per-company portal: one endpoint per provider)."""

from django.urls import path

from . import webhook_views

app_name = "payment_webhooks"

urlpatterns = [
    path("<str:provider>", webhook_views.receive, name="receive"),
]

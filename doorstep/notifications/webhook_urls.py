"""Mounted at the site root (outside the per-company portal): /hooks/twilio/<company_slug>/sms."""

from django.urls import path

from . import inbound_sms

app_name = "notification_hooks"

urlpatterns = [
    path("hooks/twilio/<slug:company_slug>/sms", inbound_sms.twilio_inbound, name="twilio_inbound"),
]

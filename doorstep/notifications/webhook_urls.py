from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.preferences_page, name="preferences"),
    path("unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
]

# Mounted outside the portal prefix: /hooks/twilio/<company_slug>/sms
webhook_urlpatterns = [
    path("hooks/twilio/<slug:company_slug>/sms", views.twilio_inbound, name="twilio_inbound"),
]

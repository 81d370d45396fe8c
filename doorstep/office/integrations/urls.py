from django.urls import path

from . import background_work, views, webhooks

app_name = "integrations"

urlpatterns = [
    path("", views.key_list, name="list"),
    path("new/", views.key_new, name="new"),
    path("<int:pk>/rotate/", views.key_rotate, name="rotate"),
    path("<int:pk>/revoke/", views.key_revoke, name="revoke"),
    path("webhooks/", webhooks.webhook_list, name="webhooks"),
    path("webhooks/new/", webhooks.webhook_new, name="webhook_new"),
    path("webhooks/<int:pk>/", webhooks.webhook_detail, name="webhook"),
    path("webhooks/<int:pk>/edit/", webhooks.webhook_edit, name="webhook_edit"),
    path("webhooks/<int:pk>/rotate/", webhooks.webhook_rotate, name="webhook_rotate"),
    path("webhooks/<int:pk>/disable/", webhooks.webhook_disable, name="webhook_disable"),
    path("webhooks/<int:pk>/enable/", webhooks.webhook_enable, name="webhook_enable"),
    path("webhooks/<int:pk>/delete/", webhooks.webhook_delete, name="webhook_delete"),
    path("webhooks/<int:pk>/test/", webhooks.webhook_test, name="webhook_test"),
    path("webhooks/<int:pk>/replay/", webhooks.webhook_replay_range, name="webhook_replay"),
    path(
        "webhooks/deliveries/<int:pk>/resend/",
        webhooks.webhook_delivery_resend,
        name="webhook_resend",
    ),
    path("background-work/", background_work.background_work, name="background_work"),
]

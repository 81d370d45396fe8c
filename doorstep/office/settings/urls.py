from django.urls import path

from . import stripe, views, wording

app_name = "settings"

urlpatterns = [
    path("", views.index, name="index"),
    path("portal/", views.portal, name="portal"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("payments/", views.payments, name="payments"),
    path("payments/stripe/connect", stripe.connect, name="stripe_connect"),
    path("payments/stripe/refresh", stripe.refresh, name="stripe_refresh"),
    path("payments/stripe/back", stripe.back, name="stripe_return"),
    path("payments/stripe/state", stripe.state, name="stripe_state"),
    path("branding/", views.branding, name="branding"),
    path("branding/contrast", views.contrast, name="contrast"),
    path("notifications/", views.notifications, name="notifications"),
    path("messages/", wording.wording_list, name="wording"),
    path("messages/<str:event>/", wording.wording_edit, name="wording_edit"),
    path("messages/<str:event>/preview", wording.wording_preview_part, name="wording_preview"),
    path("messages/<str:event>/reset", wording.wording_reset_page, name="wording_reset"),
    path("plan/", views.plan, name="plan"),
]

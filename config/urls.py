from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from doorstep.notifications.urls import webhook_urlpatterns as notification_webhooks


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("office/", include("doorstep.backoffice.urls")),
    path("p/<slug:company_slug>/", include("doorstep.access.urls")),
    path("p/<slug:company_slug>/", include("doorstep.portal.urls")),
    path("p/<slug:company_slug>/", include("doorstep.payments.urls")),
    path("p/<slug:company_slug>/", include("doorstep.servicerequests.urls")),
    path("p/<slug:company_slug>/", include("doorstep.messaging.urls")),
    path("p/<slug:company_slug>/", include("doorstep.notifications.urls")),
    path("", include((notification_webhooks, "notification_hooks"))),
    path("webhooks/", include("doorstep.payments.webhook_urls")),
    path("healthz", healthz),
]

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    # The office workspace (doorstep/office/urls.py), then the Portal Access buttons and
    # Django's admin at /office/admin/ (doorstep/backoffice/urls.py).
    path("office/", include("doorstep.office.urls")),
    path("office/", include("doorstep.backoffice.urls")),
    # Every customer page: doorstep/portal/urls.py.
    path("p/<slug:company_slug>/", include("doorstep.portal.urls")),
    path("", include("doorstep.notifications.webhook_urls")),
    path("webhooks/", include("doorstep.payments.webhook_urls")),
    path("healthz", healthz),
]

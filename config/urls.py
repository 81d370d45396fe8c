from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from doorstep.portal.error_pages import handler


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

# Error pages: the company's portal page under /p/<slug>/, the plain templates/NNN.html elsewhere.
handler400 = handler(400)
handler403 = handler(403)
handler404 = handler(404)
handler500 = handler(500)

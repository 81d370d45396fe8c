from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from doorstep.api import errors as api_errors
from doorstep.operations.metrics_view import metrics
from doorstep.operations.readiness import healthz, readyz
from doorstep.portal.error_pages import handler

urlpatterns = [
    # The office workspace (doorstep/office/urls.py), then the Portal Access buttons and
    # Django's admin at /office/admin/ (doorstep/backoffice/urls.py).
    path("office/", include("doorstep.office.urls")),
    path("office/", include("doorstep.backoffice.urls")),
    # Every customer page: doorstep/portal/urls.py.
    path("p/<slug:company_slug>/", include("doorstep.portal.urls")),
    # The help site (also on HELP_BASE_URL): doorstep/helpdesk/urls.py.
    path("h/<slug:company_slug>/", include("doorstep.helpdesk.urls")),
    path("", include("doorstep.notifications.webhook_urls")),
    path("webhooks/", include("doorstep.payments.webhook_urls")),
    path("api/v1/", include("doorstep.api.urls")),
    # For the load balancer, the platform and Prometheus (docs/deploy.md).
    path("healthz", healthz),
    path("readyz", readyz),
    path("metrics", metrics),
]


# Error pages: JSON under /api/ (never an HTML page or a stack trace), the company's portal
# page under /p/<slug>/, the plain templates/NNN.html elsewhere.
def _api_or(status: int, api_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    other = handler(status)

    def handle(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        if request.path.startswith("/api/"):
            return api_view(request, exception) if status == 404 else api_view(request)
        return other(request, exception)

    return handle


handler400 = handler(400)
handler403 = handler(403)
handler404 = _api_or(404, api_errors.page_not_found)
handler500 = _api_or(500, api_errors.server_error)

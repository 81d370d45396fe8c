from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("office/", admin.site.urls),
    path("p/<slug:company_slug>/", include("doorstep.access.urls")),
    path("p/<slug:company_slug>/", include("doorstep.portal.urls")),
    path("p/<slug:company_slug>/", include("doorstep.payments.urls")),
    path("webhooks/", include("doorstep.payments.webhook_urls")),
    path("healthz", healthz),
]

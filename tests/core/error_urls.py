from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as real_urls
from doorstep.core.errors import DomainError


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail: KeyError in module foo.py")


def rule(request: HttpRequest) -> HttpResponse:
    raise DomainError("That invoice is already paid.")


urlpatterns = [path("broken/", broken), path("rule/", rule), path("", include(real_urls))]

"""URLs of the test identity provider (tests/oidc/provider_server.py)."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from .provider_validator import UNVERIFIED_MARK


@csrf_exempt
def setup(request: HttpRequest) -> JsonResponse:
    from oauth2_provider.models import Application

    body = json.loads(request.body)
    client = body["client"]
    Application.objects.filter(client_id=client["id"]).delete()
    Application.objects.create(
        name="Doorstep test",
        client_id=client["id"],
        client_secret=client["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    users = get_user_model()
    for user in body.get("users", []):
        users.objects.filter(username=user["username"]).delete()
        users.objects.create_user(
            username=user["username"],
            password=user["password"],
            email=user["email"],
            first_name=user.get("name", ""),
            last_name="" if user.get("email_verified", True) else UNVERIFIED_MARK,
        )
    return JsonResponse({"ok": True})


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", LoginView.as_view(template_name="login.html"), name="login"),
    path("test/setup", setup),
]

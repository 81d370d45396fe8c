"""A real OpenID Connect provider for tests: django-oauth-toolkit in its own process.

Run as `python -m tests.oidc.provider_server PORT DBFILE`; prints "ready" once it listens.
It is a separate Django (own settings, own SQLite file), so the app under test talks to it
only over HTTP, exactly as it would talk to Google or Microsoft: discovery document, JWKS
(RS256 key made at start), authorization endpoint with a real login form, token endpoint
(PKCE required), userinfo. Test-only endpoint: POST /test/setup (JSON) to register the
client (id, secret, redirect URIs) and users (username, password, email, email_verified).
"""

from __future__ import annotations

import json
import sys
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

PORT = int(sys.argv[1]) if __name__ == "__main__" else 0
DBFILE = sys.argv[2] if __name__ == "__main__" else ":memory:"
ISSUER = f"http://127.0.0.1:{PORT}/o"
_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE_PEM = _key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()

LOGIN_TEMPLATE = """<!doctype html><html lang="en"><head><title>Test identity provider</title>
</head><body><main><h1>Test identity provider: sign in</h1>
<form method="post">{% csrf_token %}
<label for="id_username">Username</label> <input id="id_username" name="username">
<label for="id_password">Password</label> <input id="id_password" name="password" type="password">
<input type="hidden" name="next" value="{{ next }}">
<button type="submit">Sign in</button></form></main></body></html>"""

settings.configure(
    DEBUG=False,
    SECRET_KEY="test-identity-provider-not-a-secret",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF="tests.oidc.provider_urls",
    USE_TZ=True,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "oauth2_provider",
    ],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DBFILE}},
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"login.html": LOGIN_TEMPLATE}),
                    "django.template.loaders.app_directories.Loader",
                ],
                "context_processors": ["django.template.context_processors.request"],
            },
        }
    ],
    LOGIN_URL="/login/",
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    OAUTH2_PROVIDER={
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": PRIVATE_PEM,
        "OIDC_ISS_ENDPOINT": ISSUER,
        "PKCE_REQUIRED": True,
        "SCOPES": {"openid": "OpenID Connect", "email": "Email", "profile": "Profile"},
        "OAUTH2_VALIDATOR_CLASS": "tests.oidc.provider_validator.Validator",
    },
)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadedServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    server = make_server(
        "127.0.0.1",
        PORT,
        get_wsgi_application(),
        server_class=_ThreadedServer,
        handler_class=_Quiet,
    )
    print(json.dumps({"ready": True, "issuer": ISSUER}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

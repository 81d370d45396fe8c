"""The help site's pages, under /h/<company-slug>/ (and on HELP_BASE_URL)."""

from django.urls import path

from . import session_views, sso

app_name = "helpdesk"

urlpatterns = [
    path("", session_views.home, name="home"),
    path("sign-in/", session_views.sign_in, name="sign_in"),
    path("sign-out/", session_views.sign_out, name="sign_out"),
    # Single sign-on with the portal (sso.py, branch help-sso).
    path("sso/", sso.receive, name="sso"),
    path("sso/again", sso.again, name="sso_again"),
    path("sso/approved", sso.approved, name="sso_approved"),
    path("sso/portal", sso.to_portal, name="sso_to_portal"),
]

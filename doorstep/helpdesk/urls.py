"""The help site's pages, under /h/<company-slug>/ (and on HELP_BASE_URL)."""

from django.urls import path

from . import session_views

app_name = "helpdesk"

urlpatterns = [
    path("", session_views.home, name="home"),
    path("sign-in/", session_views.sign_in, name="sign_in"),
    path("sign-out/", session_views.sign_out, name="sign_out"),
]

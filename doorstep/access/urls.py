from django.urls import path

from . import password_views, views

app_name = "access"

urlpatterns = [
    path("sign-in", views.sign_in, name="sign_in"),
    path("sign-in/link", views.link_request, name="link_request"),
    path("sign-in/code", views.code_entry, name="code"),
    path("l/<str:token>", views.link_landing, name="link"),
    path("l/<str:token>/fresh", views.fresh_link, name="fresh_link"),
    path("i/<str:token>", views.invoice_landing, name="invoice_link"),
    path("sign-out", views.sign_out, name="sign_out"),
    path("sign-out-everywhere", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("password/forgot", password_views.password_forgot, name="password_forgot"),
    path("password/set/<str:token>", password_views.password_set, name="password_set"),
    path("register", password_views.register, name="register"),
    path("register/verify/<str:token>", password_views.register_verify, name="register_verify"),
]

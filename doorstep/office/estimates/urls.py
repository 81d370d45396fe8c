"""office:estimates:* (docs/office.md, "Invoices, estimates and payments")."""

from django.urls import path

from . import views

app_name = "estimates"

urlpatterns = [
    path("", views.estimate_list, name="list"),
    path("new/", views.estimate_new, name="new"),
    path("<int:pk>/", views.estimate_detail, name="detail"),
    path("<int:pk>/send/", views.estimate_send_view, name="send"),
    path("<int:pk>/reply/", views.estimate_reply, name="reply"),
    path("<int:pk>/convert/", views.estimate_convert, name="convert"),
    path("<int:pk>/signed.pdf", views.estimate_signed_pdf, name="signed_pdf"),
]

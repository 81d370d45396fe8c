from django.urls import path

from . import access, invitations, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_new, name="new"),
    path("resend-invitations/", invitations.resend_invitations, name="resend_invitations"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/notes/", views.customer_notes, name="notes"),
    path("<int:pk>/documents/", views.customer_document, name="share_document"),
    path("<int:pk>/archive/", views.customer_archive, name="archive"),
    path("<int:pk>/access/<slug:action>/", access.access_action, name="access"),
]

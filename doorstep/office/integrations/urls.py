from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("", views.key_list, name="list"),
    path("new/", views.key_new, name="new"),
    path("<int:pk>/rotate/", views.key_rotate, name="rotate"),
    path("<int:pk>/revoke/", views.key_revoke, name="revoke"),
]

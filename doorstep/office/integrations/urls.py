from django.urls import path

from . import background_work, views

app_name = "integrations"

urlpatterns = [
    path("", views.key_list, name="list"),
    path("new/", views.key_new, name="new"),
    path("<int:pk>/rotate/", views.key_rotate, name="rotate"),
    path("<int:pk>/revoke/", views.key_revoke, name="revoke"),
    path("background-work/", background_work.background_work, name="background_work"),
]

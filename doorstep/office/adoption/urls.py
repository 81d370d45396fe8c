"""office:adoption:* (docs/adoption.md)."""

from django.urls import path

from . import views

app_name = "adoption"

urlpatterns = [
    path("", views.adoption, name="page"),
    path("digest/", views.adoption_digest, name="digest"),
    path("export.csv", views.adoption_csv, name="export"),
]

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_index, name="index"),
    path("template/<slug:kind>.csv", views.import_template, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/start", views.import_confirm, name="start"),
    path("<int:pk>/progress", views.import_progress, name="progress"),
]

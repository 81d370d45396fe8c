from django.urls import path

from . import views

app_name = "servicerequests"

urlpatterns = [
    path("requests/", views.request_list, name="list"),
    path("requests/new", views.request_new, name="new"),
    path("requests/<int:request_id>", views.request_detail, name="detail"),
    path("requests/<int:request_id>/photos/<int:photo_id>", views.request_photo, name="photo"),
]

from django.urls import path

from . import views

app_name = "requests"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/approve", views.request_approve, name="approve"),
    path("<int:pk>/decline", views.request_decline, name="decline"),
    path("<int:pk>/photos/<int:photo_id>", views.request_photo, name="photo"),
]

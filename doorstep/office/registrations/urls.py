from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("", views.registration_list, name="list"),
    path("<int:pk>/approve", views.registration_approve_view, name="approve"),
    path("<int:pk>/decline", views.registration_decline_view, name="decline"),
]

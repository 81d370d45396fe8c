from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("<int:pk>/role", views.role_change, name="role"),
    path("<int:pk>/remove", views.remove, name="remove"),
    path("welcome/<str:uidb64>/<str:token>", views.welcome, name="welcome"),
]

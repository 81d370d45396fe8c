from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("move", views.jobs_bulk_move, name="bulk_move"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/status", views.job_change_status, name="change_status"),
    path("<int:pk>/visit", views.job_plan, name="plan"),
    path("<int:pk>/photos", views.job_add_photos, name="add_photos"),
    path("<int:pk>/photos/<int:photo_id>", views.job_photo, name="photo"),
    path("<int:pk>/photos/<int:photo_id>/remove", views.job_photo_remove, name="remove_photo"),
]

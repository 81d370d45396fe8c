from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("", views.sso_index, name="list"),
    path("providers/new/", views.provider_edit, name="new"),
    path("providers/<int:pk>/", views.provider_edit, name="edit"),
    path("customers/<int:pk>/", views.customer_requirement, name="customer"),
]

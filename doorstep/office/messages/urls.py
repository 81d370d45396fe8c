from django.urls import path

from . import views

app_name = "messages"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("<int:pk>/", views.conversation_detail, name="detail"),
    path("<int:pk>/photos/<int:attachment_id>", views.attachment, name="attachment"),
]

from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.conversation_list, name="list"),
    path("messages/new", views.conversation_new, name="new"),
    path("messages/<int:conversation_id>", views.conversation_detail, name="detail"),
    path(
        "messages/<int:conversation_id>/attachments/<int:attachment_id>",
        views.attachment,
        name="attachment",
    ),
]

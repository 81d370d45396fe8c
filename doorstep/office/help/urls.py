from django.urls import path

from . import views

app_name = "help"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/revoke-link/", views.ticket_revoke_link, name="revoke_link"),
    path("unconfirmed/", views.unconfirmed_list, name="unconfirmed"),
    path("unconfirmed/<int:pk>/release/", views.unconfirmed_release, name="release"),
    path("unconfirmed/<int:pk>/purge/", views.unconfirmed_purge, name="purge"),
    path("blocked/", views.blocked_list, name="blocked"),
    path("blocked/<int:pk>/remove/", views.blocked_remove, name="unblock"),
    path("articles/", views.article_list, name="articles"),
    path("articles/new/", views.article_edit, name="article_new"),
    path("articles/<int:pk>/", views.article_edit, name="article_edit"),
]

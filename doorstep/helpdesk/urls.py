"""The help site's pages, under /h/<company-slug>/ (and on HELP_BASE_URL)."""

from django.urls import path

from . import articles, session_views, sso, tickets

app_name = "helpdesk"

urlpatterns = [
    path("", articles.home, name="home"),
    path("search/", articles.search, name="search"),
    path("suggest/", articles.suggest, name="suggest"),
    path("c/<slug:category_slug>/", articles.category, name="category"),
    path("a/<slug:article_slug>/", articles.article, name="article"),
    path("a/<slug:article_slug>/vote/", articles.vote, name="vote"),
    path("new/", tickets.ticket_new, name="ticket_new"),
    path("new/sent/", tickets.ticket_sent, name="ticket_sent"),
    path("confirm/<str:token>/", tickets.ticket_confirm, name="ticket_confirm"),
    path("requests/", tickets.my_tickets, name="my_tickets"),
    path("requests/<int:ticket_id>/", tickets.my_ticket, name="my_ticket"),
    path(
        "requests/<int:ticket_id>/files/<int:attachment_id>/",
        tickets.my_ticket_file,
        name="my_ticket_file",
    ),
    path("t/<str:token>/", tickets.link_ticket, name="link_ticket"),
    path(
        "t/<str:token>/files/<int:attachment_id>/",
        tickets.link_ticket_file,
        name="link_ticket_file",
    ),
    path("sign-in/", session_views.sign_in, name="sign_in"),
    path("sign-out/", session_views.sign_out, name="sign_out"),
    # Single sign-on with the portal (sso.py, branch help-sso).
    path("sso/", sso.receive, name="sso"),
    path("sso/again", sso.again, name="sso_again"),
    path("sso/approved", sso.approved, name="sso_approved"),
    path("sso/portal", sso.to_portal, name="sso_to_portal"),
]

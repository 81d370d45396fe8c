"""The office home. (The "needs attention" list and the search box are built on it.)"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from .gate import Office, office_page
from .pages import office_render


@office_page()
def home(request: HttpRequest, office: Office) -> HttpResponse:
    return office_render(request, office, "office/home.html")

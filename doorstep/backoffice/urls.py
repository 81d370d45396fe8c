"""The Portal Access buttons at /office/access/ and Django's admin (every ModelAdmin of
admin.py) at /office/admin/, for superusers and rare raw edits; the office workspace
(doorstep/office/) is at /office/."""

from django.contrib import admin
from django.urls import include, path

from . import portal_access

urlpatterns = [
    path("access/", include((portal_access.urlpatterns, "access_staff"))),
    path("admin/", admin.site.urls),
]

"""Every staff page, mounted at /office/: the Portal Access buttons (before the admin, whose
catch-all would answer them), then Django's admin with every ModelAdmin of admin.py."""

from django.contrib import admin
from django.urls import include, path

from . import portal_access

urlpatterns = [
    path("access/", include((portal_access.urlpatterns, "access_staff"))),
    path("", admin.site.urls),
]

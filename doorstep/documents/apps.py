from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "doorstep.documents"
    label = "documents"
    verbose_name = "Shared documents"

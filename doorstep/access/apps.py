from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "doorstep.access"
    label = "access"

from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "doorstep.support"
    label = "support"

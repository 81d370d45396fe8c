from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "doorstep.portal"
    label = "portal"

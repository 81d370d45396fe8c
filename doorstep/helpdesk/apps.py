from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "doorstep.helpdesk"
    label = "helpdesk"

from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "doorstep.tenancy"
    label = "tenancy"

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "doorstep.billing"
    label = "billing"

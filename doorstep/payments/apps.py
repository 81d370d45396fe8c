from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "doorstep.payments"
    label = "payments"

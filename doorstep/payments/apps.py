from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "doorstep.payments"
    label = "payments"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the reconciliation job)

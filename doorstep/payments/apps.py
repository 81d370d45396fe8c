from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "doorstep.payments"
    label = "payments"

    def ready(self) -> None:
        from doorstep.billing.signals import invoice_sent

        from . import tasks  # noqa: F401  (registers the reconciliation job)
        from .autopay import autopay_on_invoice_sent

        invoice_sent.connect(autopay_on_invoice_sent, dispatch_uid="payments.autopay")

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "doorstep.payments"
    label = "payments"

    def ready(self) -> None:
        from doorstep.billing.signals import invoice_sent

        from .signals import webhook_event_stored
        from .tasks import autopay_on_invoice_sent, webhook_event_enqueue

        invoice_sent.connect(autopay_on_invoice_sent, dispatch_uid="payments.autopay")
        webhook_event_stored.connect(webhook_event_enqueue, dispatch_uid="payments.webhooks")

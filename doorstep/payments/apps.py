from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "doorstep.payments"
    label = "payments"

    def ready(self) -> None:
        from .signals import webhook_event_stored
        from .tasks import webhook_event_enqueue

        webhook_event_stored.connect(webhook_event_enqueue, dispatch_uid="payments.webhooks")

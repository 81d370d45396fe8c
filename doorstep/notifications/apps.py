from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "doorstep.notifications"
    label = "notifications"

    def ready(self) -> None:
        from .email import send_email
        from .models import Channel
        from .services import register_channel

        register_channel(Channel.EMAIL, send_email)

        from doorstep.core.scheduler import register_periodic

        from .tasks import deliver_due_notifications

        # Retries of emails that failed (SMTP down) are picked up here.
        register_periodic("deliver_due_notifications", 60, deliver_due_notifications)

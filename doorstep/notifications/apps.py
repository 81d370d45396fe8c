from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "doorstep.notifications"
    label = "notifications"

    def ready(self) -> None:
        from .email import send_email
        from .models import Channel
        from .services import register_channel

        register_channel(Channel.EMAIL, send_email)

        from .sms import send_sms

        register_channel(Channel.SMS, send_sms)

        from .customer_notices import UNSUBSCRIBE_KIND, unsubscribe_url_at_send
        from .preferences import PHONE_CODE_KIND, phone_code_at_send
        from .send_time import register_resolver

        register_resolver(UNSUBSCRIBE_KIND, unsubscribe_url_at_send)
        register_resolver(PHONE_CODE_KIND, phone_code_at_send)

        from doorstep.jobs.signals import job_status_changed

        from .job_updates import on_job_status_changed

        job_status_changed.connect(on_job_status_changed, dispatch_uid="notify_job_status")

        from doorstep.billing import signals as billing_signals

        from . import estimate_notices

        billing_signals.estimate_decided.connect(
            estimate_notices.on_estimate_decided, dispatch_uid="notify_estimate_decided"
        )
        billing_signals.estimate_commented.connect(
            estimate_notices.on_estimate_commented, dispatch_uid="notify_estimate_commented"
        )
        billing_signals.estimate_comment_replied.connect(
            estimate_notices.on_estimate_comment_replied, dispatch_uid="notify_estimate_replied"
        )

        from doorstep.integrations.webhooks.signals import endpoint_disabled

        from .webhook_notices import on_endpoint_disabled

        endpoint_disabled.connect(on_endpoint_disabled, dispatch_uid="notify_webhook_disabled")

        from doorstep.core.scheduler import register_periodic

        from .tasks import deliver_due_notifications

        # Retries of emails that failed (SMTP down) are picked up here.
        register_periodic("deliver_due_notifications", 60, deliver_due_notifications)

        from .tasks import adoption_digests

        # Hourly: each company's digest goes out in the first run from 08:00 on its weekday.
        register_periodic("notifications.adoption_digests", 3600, adoption_digests)

from django_tasks import task

from . import services


@task()
def deliver_notification(notification_id: int) -> None:
    services.notification_deliver(notification_id=notification_id)


@task()
def deliver_due_notifications() -> None:
    services.notifications_deliver_due()

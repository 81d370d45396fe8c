from django_tasks import task

from doorstep.tenancy.rls import cross_tenant, tenant_of, tenant_scope

from . import services
from .models import Notification


@task()
def deliver_notification(notification_id: int) -> None:
    company_id = tenant_of(Notification, notification_id)
    if company_id is None:
        return  # gone (the company was deleted): nothing to deliver
    with tenant_scope(company_id):
        services.notification_deliver(notification_id=notification_id)


@task()
@cross_tenant  # the whole outbox, every company's (tenancy.rls)
def deliver_due_notifications() -> None:
    services.notifications_deliver_due()


@task()
def adoption_digests() -> None:
    """The weekly adoption digest, company by company (each decides if its week is due)."""
    from doorstep.tenancy.models import Company

    from .adoption_digest import adoption_digest_send

    for company in Company.objects.all():
        with tenant_scope(company):
            adoption_digest_send(company=company)

from django_tasks import task

from doorstep.tenancy.rls import cross_tenant, tenant_scope

from . import services


@task()
# Maintenance, not tenant_scope: tenant_scope is one transaction, and delivery commits its
# claim (SENDING, with a lease) before talking to the mail server, so a worker killed mid-send
# leaves a claim that expires instead of a rolled-back "queued" that is sent twice. It reads
# one notification by id (docs/adr/0003, "Not done yet").
@cross_tenant
def deliver_notification(notification_id: int) -> None:
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

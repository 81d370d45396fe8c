from django_tasks import task

from doorstep.tenancy.rls import tenant_scope

from . import link_requests


@task()
def deliver_requested_email(
    kind: str, company_id: int, email: str, ip: str | None, extra: dict[str, str]
) -> None:
    with tenant_scope(company_id):
        link_requests.requested_email_deliver(
            kind=kind,
            company=link_requests.company_by_id(company_id),
            email=email,
            ip=ip,
            extra=extra,
        )


@task()
def prune_throttle_hits() -> None:
    from .throttle import throttle_prune

    throttle_prune()

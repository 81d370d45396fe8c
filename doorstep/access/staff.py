"""The company's staff: invite a colleague by email, change their role, remove them.

An invitation makes (or finds) the person's staff account and their membership of the company
at once; a new person gets an email with a single-use link to choose a password (Django's
password-reset token: it stops working as soon as a password is set, and after
PASSWORD_RESET_TIMEOUT). Opening the link never uses it up: only the form's POST does.
The company always keeps an owner: the last one can be neither removed nor demoted.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.links import office_url
from doorstep.core.verbs import Verb
from doorstep.notifications.services import notification_enqueue
from doorstep.tenancy import rls
from doorstep.tenancy.models import Company, Membership, StaffRole


def staff_password_link(user: Any) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return office_url(f"staff/welcome/{uid}/{default_token_generator.make_token(user)}")


def _owners_locked(company: Company) -> list[Membership]:
    # Lock every owner row of the company (in pk order, one lock order for every writer):
    # two owners removing each other at once cannot leave the company without one.
    return list(
        Membership.objects.select_for_update()
        .filter(company=company, role=StaffRole.OWNER)
        .order_by("pk")
    )


@transaction.atomic
def staff_invite(
    *, company: Company, email: str, role: str, actor: Actor, name: str = ""
) -> Membership:
    email = email.strip().lower()
    if role not in StaffRole.values:
        raise DomainError("Choose a role.")
    User = get_user_model()
    # By email, or by a username equal to it (accounts made before emails were required).
    user = (
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .order_by("pk")
        .first()
    )
    new_person = user is None
    if user is None:
        first, _, last = name.strip().partition(" ")
        user = User(username=email[:150], email=email, first_name=first[:150], last_name=last[:150])
        user.is_staff = True
        user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(company=company, user=user).exists():
        raise DomainError(f"{email} already works for {company.name}.")
    elif not user.is_staff:
        # A customer-only account cannot become staff by invitation (portal accounts are
        # separate anyway; this is a Django user without office access).
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    membership = Membership.objects.create(company=company, user=user, role=role)
    needs_password = new_person or not user.has_usable_password()
    notification_enqueue(
        company=company,
        recipient=email,
        template="staff_invitation",
        context={
            "inviter": actor.label,
            "role": StaffRole(role).label,
            "url": staff_password_link(user) if needs_password else office_url(""),
            "needs_password": needs_password,
        },
        # The link sets the password of an office account: never kept once sent.
        secret_keys=["url"] if needs_password else [],
    )
    audit_record(
        company=company,
        target=membership,
        verb=Verb.STAFF_INVITED,
        actor=actor,
        message=f"{email} invited as {StaffRole(role).label}",
        data={"role": role, "new_account": new_person},
    )
    return membership


@transaction.atomic
def staff_role_change(
    *, company: Company, membership: Membership, role: str, actor: Actor
) -> Membership:
    if role not in StaffRole.values:
        raise DomainError("Choose a role.")
    owners = _owners_locked(company)
    membership.refresh_from_db()
    if membership.role == role:
        return membership
    if membership.role == StaffRole.OWNER and len(owners) <= 1:
        raise DomainError("This is the company's only owner. Make someone else an owner first.")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        company=company,
        target=membership,
        verb=Verb.STAFF_ROLE_CHANGED,
        actor=actor,
        message=f"{membership.user.email or membership.user.get_username()}: "
        f"{StaffRole(before).label} → {StaffRole(role).label}",
        data={"before": before, "after": role},
    )
    return membership


@transaction.atomic
def staff_remove(*, company: Company, membership: Membership, actor: Actor) -> None:
    owners = _owners_locked(company)
    membership.refresh_from_db()
    if membership.role == StaffRole.OWNER and len(owners) <= 1:
        raise DomainError("This is the company's only owner: the company must keep one.")
    who = membership.user.email or membership.user.get_username()
    audit_record(
        company=company,
        target=membership,
        verb=Verb.STAFF_REMOVED,
        actor=actor,
        message=f"{who} no longer works for {company.name}",
        data={"role": membership.role, "user_id": membership.user_id},
    )
    membership.delete()


@transaction.atomic
def staff_password_set(*, user: Any, password: str) -> None:
    """The invitation's form: the token is checked by the view; setting the password makes
    the token invalid (it hashes the password), so the link works once."""
    user.set_password(password)
    user.save(update_fields=["password"])
    for membership in Membership.objects.filter(user=user).select_related("company"):
        # The welcome link is not behind a company gate (the user is not signed in and may
        # work for several companies), and each audit row belongs to its membership's
        # company: under row-level security (docs/adr/0003) it can only be written in that
        # company's tenant scope. Memberships are an exempt table, readable before a tenant
        # is chosen.
        with rls.tenant_scope(membership.company):
            audit_record(
                company=membership.company,
                target=membership,
                verb=Verb.STAFF_PASSWORD_SET,
                actor=Actor.staff(user),
                message=f"{user.email or user.get_username()} chose a password",
            )

"""Demo data for the office's settings: Bluewater has rewritten its invoice email and the
"on the way" text in its own voice, texts customers by default when the technician is on the
way, prints terms and a footer on its PDFs, and has a second colleague in the office role."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from doorstep.notifications.models import MessageTemplate, NotificationEvent
from doorstep.tenancy.models import Company, CompanySettings, Membership, StaffRole

from .catalogue import DEMO_PASSWORD


def office_settings_create(company: Company) -> None:
    if company.slug != "bluewater":
        return
    Company.objects.filter(pk=company.pk).update(
        pdf_terms="Payment is due within 30 days. Thank you for choosing a local plumber.",
        pdf_footer="Bluewater Plumbing · Licensed master plumber MA-PL-20417",
    )
    CompanySettings.objects.filter(company=company).update(
        notification_defaults={"job_on_the_way": {"email": True, "sms": True}}
    )
    MessageTemplate.objects.bulk_create(
        [
            MessageTemplate(
                company=company,
                event=NotificationEvent.INVOICE_SENT,
                email_subject="Invoice {invoice_number}: thanks for choosing Bluewater",
                email_body="Hi {customer_name},\n\nThanks for having us out! Invoice "
                "{invoice_number} comes to {total} and is due {due_date}. You can pay it "
                "online in a minute.",
            ),
            MessageTemplate(
                company=company,
                event=NotificationEvent.JOB_ON_THE_WAY,
                email_subject="{technician_name} is heading your way",
                email_body="Hi {customer_name},\n\n{technician_name} from Bluewater is on the "
                "way to {location}. Put the kettle on!\n\n{company_name}",
                sms_body="Bluewater: {technician_name} is on the way to you now.",
            ),
        ],
        ignore_conflicts=True,
    )
    user, created = get_user_model().objects.get_or_create(
        username="office@bluewater.test",
        defaults={
            "email": "office@bluewater.test",
            "first_name": "Sam",
            "last_name": "Ortiz",
            "is_staff": True,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(
        user=user, company=company, defaults={"role": StaffRole.OFFICE}
    )

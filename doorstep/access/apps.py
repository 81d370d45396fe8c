from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "doorstep.access"
    label = "access"

    def ready(self) -> None:
        from doorstep.core.scheduler import register_periodic

        from .logging import install
        from .tasks import prune_throttle_hits

        install()

        from doorstep.notifications.send_time import register_resolver
        from doorstep.payments.notify import PAY_LINK_KIND

        from .invoice_links import (
            INVOICE_LINK_KIND,
            invoice_link_url_at_send,
            payment_pay_link_at_send,
        )
        from .registrations import REGISTRATION_LINK_KIND, registration_link_url_at_send
        from .services import CODE_KIND, LINK_KIND, login_code_at_send, login_link_url_at_send

        register_resolver(LINK_KIND, login_link_url_at_send)
        register_resolver(CODE_KIND, login_code_at_send)
        register_resolver(INVOICE_LINK_KIND, invoice_link_url_at_send)
        register_resolver(PAY_LINK_KIND, payment_pay_link_at_send)
        register_resolver(REGISTRATION_LINK_KIND, registration_link_url_at_send)
        register_periodic("access.prune_throttle_hits", 3600, prune_throttle_hits)

        from doorstep.billing.pdf import invoice_pdf_attachment
        from doorstep.notifications.email import ATTACHMENT_BUILDERS

        # Invoice emails (invoice_sending.py) attach the very file the portal serves.
        ATTACHMENT_BUILDERS["invoice_pdf"] = invoice_pdf_attachment

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "doorstep.billing"
    label = "billing"

    def ready(self) -> None:
        from doorstep.notifications.email import ATTACHMENT_BUILDERS

        from .pdf import invoice_pdf_attachment

        # Invoice emails attach the very file the portal serves.
        ATTACHMENT_BUILDERS["invoice_pdf"] = invoice_pdf_attachment

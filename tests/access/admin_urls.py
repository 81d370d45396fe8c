"""A URLconf with a Customer admin using PortalAccessAdminMixin, as the lead will wire it."""

from django.contrib.admin import AdminSite
from django.urls import include, path

from doorstep.access.backoffice import PortalAccessAdminMixin, revoke_invoice_links, send_invoices
from doorstep.backoffice.tenant_admin import TenantAdmin
from doorstep.billing.models import Invoice
from doorstep.customers.models import Customer


class CustomerAdmin(PortalAccessAdminMixin, TenantAdmin):
    pass


class InvoiceAdmin(TenantAdmin):
    actions = [send_invoices, revoke_invoice_links]


site = AdminSite(name="admin")
site.register(Customer, CustomerAdmin)
site.register(Invoice, InvoiceAdmin)

urlpatterns = [
    path("office/access/", include("doorstep.access.staff_urls")),
    path("office/", site.urls),
    path("p/<slug:company_slug>/", include("doorstep.access.urls")),
    path("p/<slug:company_slug>/", include("doorstep.portal.urls")),
]

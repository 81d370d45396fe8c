"""/api/v1/: one module per resource (docs/api.md). The test matrix of
tests/api/test_isolation_matrix.py walks these patterns, so a new endpoint is covered."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import (
    conversations,
    customers,
    documents,
    estimates,
    invoices,
    jobs,
    payments,
    portal_access,
    service_requests,
    tombstones,
    webhook_endpoints,
)
from .errors import unknown_endpoint

app_name = "api"

urlpatterns = [
    path("customers/", customers.CustomerList.as_view(), name="customers"),
    path("customers/<int:pk>/", customers.CustomerDetail.as_view(), name="customer"),
    path(
        "customers/<int:pk>/contacts/",
        customers.CustomerContacts.as_view(),
        name="customer_contacts",
    ),
    path(
        "customers/<int:pk>/locations/",
        customers.CustomerLocations.as_view(),
        name="customer_locations",
    ),
    path(
        "customers/<int:pk>/portal-access/invite/",
        portal_access.PortalInvite.as_view(),
        name="portal_invite",
    ),
    path(
        "customers/<int:pk>/portal-access/send-link/",
        portal_access.PortalSendLink.as_view(),
        name="portal_send_link",
    ),
    path("jobs/", jobs.JobList.as_view(), name="jobs"),
    path("jobs/<int:pk>/", jobs.JobDetail.as_view(), name="job"),
    path("jobs/<int:pk>/status/", jobs.JobStatusChange.as_view(), name="job_status"),
    path("invoices/", invoices.InvoiceList.as_view(), name="invoices"),
    path("invoices/<int:pk>/", invoices.InvoiceDetail.as_view(), name="invoice"),
    path("invoices/<int:pk>/send/", invoices.InvoiceSend.as_view(), name="invoice_send"),
    path("invoices/<int:pk>/void/", invoices.InvoiceVoid.as_view(), name="invoice_void"),
    path("estimates/", estimates.EstimateList.as_view(), name="estimates"),
    path("estimates/<int:pk>/", estimates.EstimateDetail.as_view(), name="estimate"),
    path("payments/", payments.PaymentList.as_view(), name="payments"),
    path("payments/<int:pk>/", payments.PaymentDetail.as_view(), name="payment"),
    path("payments/<int:pk>/refunds/", payments.PaymentRefunds.as_view(), name="payment_refunds"),
    path(
        "service-requests/", service_requests.ServiceRequestList.as_view(), name="service_requests"
    ),
    path(
        "service-requests/<int:pk>/",
        service_requests.ServiceRequestDetail.as_view(),
        name="service_request",
    ),
    path(
        "service-requests/<int:pk>/approve/",
        service_requests.ServiceRequestApprove.as_view(),
        name="service_request_approve",
    ),
    path(
        "service-requests/<int:pk>/decline/",
        service_requests.ServiceRequestDecline.as_view(),
        name="service_request_decline",
    ),
    path("conversations/", conversations.ConversationList.as_view(), name="conversations"),
    path(
        "conversations/<int:pk>/", conversations.ConversationDetail.as_view(), name="conversation"
    ),
    path(
        "conversations/<int:pk>/messages/",
        conversations.ConversationReply.as_view(),
        name="conversation_reply",
    ),
    path("documents/", documents.DocumentUpload.as_view(), name="documents"),
    path("tombstones/", tombstones.TombstoneList.as_view(), name="tombstones"),
    path(
        "webhook_endpoints/",
        webhook_endpoints.WebhookEndpointList.as_view(),
        name="webhook_endpoints",
    ),
    path(
        "webhook_endpoints/<int:pk>/",
        webhook_endpoints.WebhookEndpointDetail.as_view(),
        name="webhook_endpoint",
    ),
    path(
        "webhook_endpoints/<int:pk>/rotate/",
        webhook_endpoints.WebhookEndpointRotate.as_view(),
        name="webhook_endpoint_rotate",
    ),
    path(
        "webhook_endpoints/<int:pk>/test/",
        webhook_endpoints.WebhookEndpointTest.as_view(),
        name="webhook_endpoint_test",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other path answers the API's JSON 404, never an HTML page.
    re_path(r"^(?P<rest>.*)$", unknown_endpoint, name="unknown"),
]

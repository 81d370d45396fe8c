"""Every customer page, mounted once at /p/<company_slug>/ by config/urls.py.

The URL namespaces stay those of the business area each page belongs to (`access:sign_in`,
`portal:invoices`, `payments:checkout`, `servicerequests:new`, `messaging:detail`,
`notifications:preferences`), so `{% url %}` tags and links in emails read as before.
Incoming webhooks are not portal pages: payments/webhook_urls.py, notifications/webhook_urls.py.
"""

from django.urls import include, path, re_path

from . import (
    checkout,
    conversations,
    documents,
    error_pages,
    estimates,
    help_handoff,
    help_requests,
    home,
    invoices,
    jobs,
    locations,
    logo,
    notification_settings,
    oidc_sign_in,
    passwords,
    payment_methods,
    profile,
    registration,
    service_requests,
    sign_in,
    sign_in_links,
    sign_out,
    staff_preview,
    two_step,
    unsubscribe,
)

access_urls = [
    path("sign-in", sign_in.sign_in, name="sign_in"),
    path("sign-in/link", sign_in.link_request, name="link_request"),
    path("sign-in/code", sign_in.code_entry, name="code"),
    path("sign-in/two-step", two_step.two_step_sign_in, name="two_step_sign_in"),
    path("sign-in/sso/<int:provider_id>", oidc_sign_in.oidc_start, name="oidc_start"),
    path("sign-in/sso/callback", oidc_sign_in.callback, name="oidc_callback"),
    path("l/<str:token>", sign_in_links.link_landing, name="link"),
    path("l/<str:token>/fresh", sign_in_links.fresh_link, name="fresh_link"),
    path("i/<str:token>", sign_in_links.invoice_landing, name="invoice_link"),
    path("sign-out", sign_out.sign_out, name="sign_out"),
    path("sign-out-everywhere", sign_out.sign_out_everywhere, name="sign_out_everywhere"),
    path("password/forgot", passwords.password_forgot, name="password_forgot"),
    path("password/set/<str:token>", passwords.password_set, name="password_set"),
    path("profile/email/<str:token>", profile.email_confirm, name="email_confirm"),
    path("register", registration.register, name="register"),
    path("register/verify/<str:token>", registration.register_verify, name="register_verify"),
    # Single sign-on with the help site (help_handoff.py, docs/help-site.md).
    path("help-site/", help_handoff.get_help, name="get_help"),
    path("help-site/approve", help_handoff.help_approve, name="help_approve"),
    path("from-help", help_handoff.from_help, name="from_help"),
]

portal_urls = [
    path("", home.home, name="home"),
    path("logo", logo.logo, name="logo"),
    path("banner", logo.banner, name="banner"),
    path("invoices/", invoices.invoices, name="invoices"),
    path("invoices/<int:invoice_id>/", invoices.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/pdf", invoices.invoice_pdf, name="invoice_pdf"),
    # The office's "Preview as the customer" (staff session; read-only, not a customer view).
    path(
        "invoices/<int:invoice_id>/staff-preview",
        staff_preview.invoice_preview,
        name="invoice_staff_preview",
    ),
    path("payments/", invoices.payments, name="payments"),
    path("jobs/", jobs.jobs, name="jobs"),
    path("jobs/live", jobs.jobs_live, name="jobs_live"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/visit.ics", jobs.job_calendar, name="job_calendar"),
    path("jobs/<int:job_id>/photos/<int:photo_id>", jobs.job_photo, name="job_photo"),
    path(
        "jobs/<int:job_id>/photos/<int:photo_id>/thumb",
        jobs.job_photo_thumb,
        name="job_photo_thumb",
    ),
    path("estimates/", estimates.estimates, name="estimates"),
    path("estimates/<int:estimate_id>/", estimates.estimate_detail, name="estimate_detail"),
    path(
        "estimates/<int:estimate_id>/signed.pdf",
        estimates.estimate_signed_pdf,
        name="estimate_signed_pdf",
    ),
    path("documents/", documents.documents, name="documents"),
    path(
        "documents/<int:document_id>/download",
        documents.document_download,
        name="document_download",
    ),
    path("locations/", locations.locations, name="locations"),
    path("profile/", profile.profile, name="profile"),
    path("profile/two-step/", two_step.two_step, name="two_step"),
    path("profile/two-step/enable", two_step.two_step_enable, name="two_step_enable"),
    path("profile/two-step/disable", two_step.two_step_disable, name="two_step_disable"),
    path("profile/two-step/codes", two_step.two_step_codes, name="two_step_codes"),
]

payments_urls = [
    # GET ?invoice=<id>&invoice=<id>: the checkout page for the chosen invoices; POST: pay.
    path("pay", checkout.checkout, name="checkout"),
    path("payments/<int:payment_id>/confirm", checkout.confirm, name="confirm"),
    path("payments/<int:payment_id>/receipt", checkout.receipt, name="receipt"),
    path("payments/<int:payment_id>/receipt.pdf", checkout.receipt_pdf, name="receipt_pdf"),
    path("payment-methods", payment_methods.methods, name="methods"),
    path(
        "payment-methods/<int:method_id>/remove",
        payment_methods.method_remove,
        name="method_remove",
    ),
    path("payment-methods/autopay", payment_methods.autopay, name="autopay"),
]

servicerequests_urls = [
    path("requests/", service_requests.request_list, name="list"),
    path("requests/new", service_requests.request_new, name="new"),
    path("requests/<int:request_id>", service_requests.request_detail, name="detail"),
    path(
        "requests/<int:request_id>/photos/<int:photo_id>",
        service_requests.request_photo,
        name="photo",
    ),
    path(
        "requests/<int:request_id>/photos/<int:photo_id>/thumb",
        service_requests.request_photo_thumb,
        name="photo_thumb",
    ),
]

messaging_urls = [
    path("messages/", conversations.conversation_list, name="list"),
    path("messages/new", conversations.conversation_new, name="new"),
    path("messages/<int:conversation_id>", conversations.conversation_detail, name="detail"),
    path(
        "messages/<int:conversation_id>/attachments/<int:attachment_id>",
        conversations.attachment,
        name="attachment",
    ),
    path(
        "messages/<int:conversation_id>/attachments/<int:attachment_id>/thumb",
        conversations.attachment_thumb,
        name="attachment_thumb",
    ),
]

# "Get help": the customer's help requests (support tickets); the help site shows them too.
support_urls = [
    path("help/", help_requests.help_list, name="list"),
    path("help/new", help_requests.help_new, name="new"),
    path("help/<int:ticket_id>", help_requests.help_detail, name="detail"),
    path(
        "help/<int:ticket_id>/photos/<int:attachment_id>",
        help_requests.help_photo,
        name="photo",
    ),
]

notifications_urls = [
    path("notifications/", notification_settings.preferences_page, name="preferences"),
    path("unsubscribe/<str:token>", unsubscribe.unsubscribe, name="unsubscribe"),
]

urlpatterns = [
    path("", include((access_urls, "access"))),
    path("", include((portal_urls, "portal"))),
    path("", include((payments_urls, "payments"))),
    path("", include((servicerequests_urls, "servicerequests"))),
    path("", include((messaging_urls, "messaging"))),
    path("", include((notifications_urls, "notifications"))),
    path("", include((support_urls, "support"))),
    # Last: any other address under the portal gets the company's own "not found" page
    # (also with DEBUG on, where Django would list every URL pattern).
    re_path(r"^(?P<rest>.*)$", error_pages.not_found, name="not_found"),
]

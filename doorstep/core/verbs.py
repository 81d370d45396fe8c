"""The audit verb catalogue: every kind of audit row Doorstep writes, in one enum.

A verb is `<thing>.<what happened>`, read back by people in the back office's history. Writers
(`core.audit.audit_record` and `audit_event`) take a `Verb`, never a string, so a reader can scan
every event here and a typo fails at import time instead of writing a row nobody searches for.
A verb built from a state (`Verb(f"payment.{state}")`) must still be listed: the lookup raises
ValueError otherwise (tests/core/test_verbs.py walks the states).
"""

from __future__ import annotations

from enum import StrEnum


class Verb(StrEnum):
    # help site (support tickets and articles)
    HELP_ARTICLE_SAVED = "help_article.saved"
    HELP_ARTICLE_DELETED = "help_article.deleted"
    HELP_SENDER_BLOCKED = "help_sender.blocked"
    HELP_SENDER_UNBLOCKED = "help_sender.unblocked"
    TICKET_ACCESS_REVOKED = "ticket.access_revoked"
    TICKET_ASSIGNED = "ticket.assigned"
    TICKET_CUSTOMER_REPLIED = "ticket.customer_replied"
    TICKET_EXPIRED = "ticket.expired"
    TICKET_FILED = "ticket.filed"
    TICKET_MAIL_HELD = "ticket.mail_held"
    TICKET_MAIL_ADDED = "ticket.mail_added"
    TICKET_MAIL_DISCARDED = "ticket.mail_discarded"
    TICKET_NOTE_ADDED = "ticket.note_added"
    TICKET_PRIORITY_CHANGED = "ticket.priority_changed"
    TICKET_PURGED = "ticket.purged"
    TICKET_RELEASED = "ticket.released"
    TICKET_REOPENED = "ticket.reopened"
    TICKET_REPLIED = "ticket.replied"
    TICKET_STATE_CHANGED = "ticket.state_changed"
    TICKET_VERIFIED = "ticket.verified"
    # access
    ACCESS_DENIED = "access.denied"
    ACCESS_REGISTRATION_REJECTED = "access.registration_rejected"
    ACCESS_REQUEST_IGNORED = "access.request_ignored"
    # API keys (integrations)
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"
    API_KEY_ROTATED = "api_key.rotated"
    # outgoing webhooks (integrations)
    WEBHOOK_ENDPOINT_CREATED = "webhook_endpoint.created"
    WEBHOOK_ENDPOINT_UPDATED = "webhook_endpoint.updated"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"
    WEBHOOK_ENDPOINT_ENABLED = "webhook_endpoint.enabled"
    WEBHOOK_ENDPOINT_DELETED = "webhook_endpoint.deleted"
    WEBHOOK_ENDPOINT_ROTATED = "webhook_endpoint.rotated"
    WEBHOOK_RESENT = "webhook.resent"
    WEBHOOK_REPLAYED = "webhook.replayed"
    WEBHOOK_TEST_SENT = "webhook.test_sent"
    # autopay
    AUTOPAY_DISABLED = "autopay.disabled"
    AUTOPAY_ENABLED = "autopay.enabled"
    # card
    CARD_REMOVED = "card.removed"
    CARD_SAVED = "card.saved"
    # conversation
    CONVERSATION_MESSAGE_POSTED = "conversation.message_posted"
    CONVERSATION_STARTED = "conversation.started"
    # customer
    CUSTOMER_ARCHIVED = "customer.archived"
    CUSTOMER_CHANGED = "customer.changed"
    CUSTOMER_CREATED = "customer.created"
    CUSTOMER_NOTES_CHANGED = "customer.notes_changed"
    CUSTOMER_RESTORED = "customer.restored"
    CONTACT_CHANGED = "contact.changed"
    CONTACT_CREATED = "contact.created"
    # document
    DOCUMENT_SHARED = "document.shared"
    DOCUMENT_UPDATED = "document.updated"
    # estimate
    ESTIMATE_ACCEPTED = "estimate.accepted"
    ESTIMATE_CHANGED = "estimate.changed"
    ESTIMATE_COMMENT_REPLIED = "estimate.comment_replied"
    ESTIMATE_COMMENTED = "estimate.commented"
    ESTIMATE_CONVERTED = "estimate.converted"
    ESTIMATE_CREATED = "estimate.created"
    ESTIMATE_DECLINED = "estimate.declined"
    ESTIMATE_DRAFT = "estimate.draft"
    ESTIMATE_EXPIRED = "estimate.expired"
    ESTIMATE_SENT = "estimate.sent"
    # import (a spreadsheet)
    IMPORT_STARTED = "import.started"
    IMPORT_FINISHED = "import.finished"
    # invoice
    INVOICE_RESENT = "invoice.resent"
    INVOICE_CHANGED = "invoice.changed"
    INVOICE_CREATED = "invoice.created"
    INVOICE_LINKS_REVOKED = "invoice.links_revoked"
    INVOICE_OPENED = "invoice.opened"
    INVOICE_SENT = "invoice.sent"
    INVOICE_VOIDED = "invoice.voided"
    # job
    JOB_CHANGED = "job.changed"
    JOB_CREATED = "job.created"
    JOB_PHOTOS_ADDED = "job.photos_added"
    JOB_PHOTO_REMOVED = "job.photo_removed"
    JOB_STATUS_CHANGED = "job.status_changed"
    JOB_VISIT_PLANNED = "job.visit_planned"
    # location
    LOCATION_CHANGED = "location.changed"
    LOCATION_CREATED = "location.created"
    # message_template
    MESSAGE_TEMPLATE_CHANGED = "message_template.changed"
    MESSAGE_TEMPLATE_RESET = "message_template.reset"
    # notification
    NOTIFICATION_RETRY_NOW = "notification.retry_now"
    NOTIFICATION_STOPPED = "notification.stopped"
    NOTIFICATION_UNDELIVERED_ALERT = "notification.undelivered_alert"
    # notifications
    NOTIFICATIONS_PREFERENCES_SAVED = "notifications.preferences_saved"
    NOTIFICATIONS_UNSUBSCRIBED = "notifications.unsubscribed"
    # payment
    PAYMENT_CANCELLED = "payment.cancelled"
    PAYMENT_FAILED = "payment.failed"
    PAYMENT_MISMATCH = "payment.mismatch"
    PAYMENT_PENDING = "payment.pending"
    PAYMENT_PROCESSING = "payment.processing"
    PAYMENT_RECEIVED = "payment.received"
    PAYMENT_RECORDED = "payment.recorded"
    PAYMENT_REFUNDED = "payment.refunded"
    PAYMENT_REFUSED = "payment.refused"
    PAYMENT_REQUIRES_ACTION = "payment.requires_action"
    PAYMENT_STARTED = "payment.started"
    PAYMENT_SUCCEEDED = "payment.succeeded"
    # phone
    PHONE_CODE_SENT = "phone.code_sent"
    PHONE_REMOVED = "phone.removed"
    PHONE_VERIFIED = "phone.verified"
    # portal
    PORTAL_PASSWORD_SET = "portal.password_set"
    PORTAL_ACCOUNT_CREATED = "portal.account_created"
    PORTAL_DEACTIVATED = "portal.deactivated"
    PORTAL_EMAIL_CHANGED = "portal.email_changed"
    PORTAL_INVOICE_LINK_USED = "portal.invoice_link_used"
    PORTAL_LINK_SENT = "portal.link_sent"
    PORTAL_PASSWORD_CHANGED = "portal.password_changed"
    PORTAL_PASSWORD_RESET = "portal.password_reset"
    PORTAL_REACTIVATED = "portal.reactivated"
    PORTAL_SIGNED_IN = "portal.signed_in"
    PORTAL_SIGNED_OUT_EVERYWHERE = "portal.signed_out_everywhere"
    PORTAL_TWO_STEP_ON = "portal.two_step_on"
    PORTAL_TWO_STEP_OFF = "portal.two_step_off"
    PORTAL_TWO_STEP_RESET = "portal.two_step_reset"
    PORTAL_RECOVERY_CODES_NEW = "portal.recovery_codes_new"
    PORTAL_RECOVERY_CODE_USED = "portal.recovery_code_used"
    # refund
    REFUND_FAILED = "refund.failed"
    REFUND_STARTED = "refund.started"
    REFUND_SUCCEEDED = "refund.succeeded"
    # registration
    REGISTRATION_APPROVED = "registration.approved"
    REGISTRATION_REJECTED = "registration.rejected"
    REGISTRATION_REQUESTED = "registration.requested"
    REGISTRATION_VERIFIED = "registration.verified"
    # service_request
    SERVICE_REQUEST_APPROVED = "service_request.approved"
    SERVICE_REQUEST_DECLINED = "service_request.declined"
    SERVICE_REQUEST_SUBMITTED = "service_request.submitted"
    # settings, plans and staff (the office's settings pages)
    SETTINGS_CHANGED = "settings.changed"
    PLAN_CHANGED = "plan.changed"
    STRIPE_ONBOARDING_STARTED = "stripe.onboarding_started"
    STAFF_INVITED = "staff.invited"
    STAFF_ROLE_CHANGED = "staff.role_changed"
    STAFF_REMOVED = "staff.removed"
    STAFF_PASSWORD_SET = "staff.password_set"
    # sso (single sign-on: portal <-> help site, identity providers)
    SSO_HANDOFF_SENT = "sso.handoff_sent"
    SSO_HELP_SIGNED_IN = "sso.help_signed_in"
    SSO_RETURNED_TO_PORTAL = "sso.returned_to_portal"
    SSO_IDENTITY_LINKED = "sso.identity_linked"
    SSO_REQUIRED = "sso.required"
    SSO_NOT_REQUIRED = "sso.not_required"
    IDENTITYPROVIDER_CREATED = "identityprovider.created"
    IDENTITYPROVIDER_CHANGED = "identityprovider.changed"
    # sms
    SMS_START = "sms.start"
    SMS_STOP = "sms.stop"

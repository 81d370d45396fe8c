"""Signals other apps listen to. Sent after commit, with ids only."""

from django.dispatch import Signal

# Sent when an invoice email goes to the customer (first send or resend). Autopay listens.
invoice_sent = Signal()  # invoice_id, company_id

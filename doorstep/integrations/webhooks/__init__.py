"""Outgoing webhooks (Standard Webhooks, https://www.standardwebhooks.com/).

endpoints.py  what owners register (URL, event types, the secret shown once, rotation)
outbox.py     `webhook_emit`, called by the domain services inside their transaction
signing.py    the webhook-id / webhook-timestamp / webhook-signature headers
ssrf.py       which addresses a delivery may connect to, checked at connect time
delivery.py   the worker's side: claim, POST, record, retry on the schedule, switch off
"""

"""Told when an endpoint is switched off by the system (410 Gone, or failing for days):
notifications emails the owners (this app sits below notifications and cannot call it)."""

from django.dispatch import Signal

# kwargs: company, endpoint, reason
endpoint_disabled = Signal()

"""Signals other apps listen to (e.g. notifications for "Your technician is on the way").

Sent after commit, with ids only.
"""

from django.dispatch import Signal

job_status_changed = Signal()  # job_id, company_id, from_status, to_status

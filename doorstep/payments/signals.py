"""What the payments modules announce to the task queue above them (tasks.py listens).

The inbox and autopay never import the tasks that run them: a task module imports the
services it runs, so the announcement goes up through a signal, as billing's `invoice_sent`
does for autopay.
"""

from django.dispatch import Signal

# Sent after commit for each event newly stored in the webhook inbox; argument: event_pk.
webhook_event_stored = Signal()

"""What billing tells the apps above it. Billing sits below notifications, so it cannot call
them; notifications connects its receivers (notifications/estimate_notices.py) in its
AppConfig.ready(). Sent inside the service's transaction: the outbox rows a receiver writes
commit, or roll back, with the change itself."""

from django.dispatch import Signal

# The customer accepted or declined an estimate (company, customer, estimate; detail: the
# signer's name or the reason given).
estimate_decided = Signal()
# The customer asked a question on an estimate (company, customer, estimate, body).
estimate_commented = Signal()
# Staff answered on an estimate (company, estimate, sender_name).
estimate_comment_replied = Signal()

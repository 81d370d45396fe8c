from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "doorstep.support"
    label = "support"

    def ready(self) -> None:
        from doorstep.core.scheduler import register_periodic
        from doorstep.notifications.send_time import register_resolver

        from .access_keys import (
            LINK_KIND,
            REPLY_KIND,
            VERIFY_KIND,
            reply_to_at_send,
            ticket_link_at_send,
            verify_link_at_send,
        )
        from .tasks import support_housekeeping

        register_resolver(LINK_KIND, ticket_link_at_send)
        register_resolver(REPLY_KIND, reply_to_at_send)
        register_resolver(VERIFY_KIND, verify_link_at_send)
        # Unconfirmed tickets expire after 7 days; resolved ones close after 14.
        register_periodic("support.housekeeping", 3600, support_housekeeping)

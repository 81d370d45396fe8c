from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "doorstep.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from doorstep.core.scheduler import register_periodic

        from . import tombstones
        from .tasks import deliver_due_webhooks, integrations_prune

        tombstones.connect_deletes()
        register_periodic("integrations.prune", 3600, integrations_prune)
        # Retries whose own task was lost (a worker died) are picked up here.
        register_periodic("integrations.deliver_due_webhooks", 60, deliver_due_webhooks)

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "doorstep.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from doorstep.core.scheduler import register_periodic

        from . import tombstones
        from .tasks import integrations_prune

        tombstones.connect_deletes()
        register_periodic("integrations.prune", 3600, integrations_prune)

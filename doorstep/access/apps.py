from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "doorstep.access"
    label = "access"

    def ready(self) -> None:
        from doorstep.core.scheduler import register_periodic

        from .logging import install
        from .tasks import prune_throttle_hits

        install()
        register_periodic("access.prune_throttle_hits", 3600, prune_throttle_hits)

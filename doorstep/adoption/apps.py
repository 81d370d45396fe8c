from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "doorstep.adoption"
    label = "adoption"

    def ready(self) -> None:
        from doorstep.core.scheduler import register_periodic

        from .tasks import adoption_rollups

        # Hourly: each run rolls every finished day not rolled yet (catches up after downtime).
        register_periodic("adoption.rollups", 3600, adoption_rollups)

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "doorstep.api"
    label = "api"
    verbose_name = "Integration API"

    def ready(self) -> None:
        from . import schema_extensions  # noqa: F401  (registers the OpenAPI extensions)
        from .webhook_snapshots import register

        register()

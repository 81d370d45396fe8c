from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "doorstep.core"
    label = "core"

    def ready(self) -> None:
        from . import (
            clock_check,  # noqa: F401  (registers the server clock check)
            request_log,  # noqa: F401  (connects the task log line and metrics)
        )

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "doorstep.access"
    label = "access"

    def ready(self) -> None:
        from .logging import install

        install()

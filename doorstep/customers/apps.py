from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "doorstep.customers"
    label = "customers"

    def ready(self) -> None:
        from . import sync_stamps

        sync_stamps.connect()

from django.apps import AppConfig


class OfficeConfig(AppConfig):
    """The office workspace at /office/: the pages an office manager works in all day."""

    default = True
    name = "doorstep.office"
    label = "office"

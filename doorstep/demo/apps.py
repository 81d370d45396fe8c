from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and `manage.py demo`. An entry layer: nothing in the domain imports it."""

    name = "doorstep.demo"
    label = "demo"

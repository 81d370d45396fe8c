from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "doorstep.jobs"
    label = "jobs"

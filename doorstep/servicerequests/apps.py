from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    name = "doorstep.servicerequests"
    label = "servicerequests"
    verbose_name = "Service requests"

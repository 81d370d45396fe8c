from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "doorstep.customers"
    label = "customers"

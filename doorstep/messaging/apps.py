from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "doorstep.messaging"
    label = "messaging"
    verbose_name = "Messages"

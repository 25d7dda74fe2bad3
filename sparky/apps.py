from django.apps import AppConfig


class SparkyConfig(AppConfig):
    name = "sparky"
    verbose_name = "Sparky, the ticket assistant"

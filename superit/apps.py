from django.apps import AppConfig


class SuperitConfig(AppConfig):
    name = "superit"
    verbose_name = "Super IT tenancy"

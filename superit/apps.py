from django.apps import AppConfig


class SuperitConfig(AppConfig):
    name = "superit"
    verbose_name = "Super IT tenancy"

    def ready(self):
        from superit import session_timeout

        session_timeout.connect()

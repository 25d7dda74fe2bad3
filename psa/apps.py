from django.apps import AppConfig


class PsaConfig(AppConfig):
    name = "psa"
    verbose_name = "PSA data"

    def ready(self):
        from psa import lookups  # noqa: F401  registers cw_id__among

from django.apps import AppConfig


class ConnectwiseConfig(AppConfig):
    """The ConnectWise client; an app only for its management commands."""

    name = "connectwise"
    verbose_name = "ConnectWise client"

"""Build ConnectWise clients from a connection, with the project's settings."""

from django.conf import settings

from connectwise.client import ConnectWiseClient


def client_for_values(api_url, cw_company, public_key, private_key, codebase=None):
    return ConnectWiseClient(
        api_url,
        cw_company,
        public_key,
        private_key,
        client_id=settings.CONNECTWISE_CLIENT_ID,
        codebase=codebase or None,
        api_version=settings.CONNECTWISE_API_VERSION,
        timeout=settings.CONNECTWISE_TIMEOUT,
        allowed_hosts=tuple(settings.CONNECTWISE_ALLOWED_HOSTS),
    )


def client_for(connection):
    return client_for_values(
        connection.api_url,
        connection.cw_company,
        connection.public_key,
        connection.get_private_key(),
        codebase=connection.codebase,
    )

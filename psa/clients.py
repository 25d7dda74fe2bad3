"""Build ConnectWise clients from a connection, with the project's settings."""

from django.conf import settings

from connectwise.budget import make_budget
from connectwise.client import ConnectWiseClient
from connectwise.retry import RetryPolicy


def client_for_values(api_url, cw_company, public_key, private_key, **options):
    return ConnectWiseClient(
        api_url,
        cw_company,
        public_key,
        private_key,
        client_id=settings.CONNECTWISE_CLIENT_ID,
        api_version=settings.CONNECTWISE_API_VERSION,
        timeout=settings.CONNECTWISE_TIMEOUT,
        allowed_hosts=tuple(settings.CONNECTWISE_ALLOWED_HOSTS),
        **options,
    )


def client_for(connection, for_sync=False):
    """A client for the connection; syncs also retry transient faults and
    share the connection's request budget with every other worker."""
    options = {"codebase": connection.codebase or None}
    if for_sync:
        options.update(
            retry=RetryPolicy(),
            budget=_budget(connection),
            on_codebase_change=lambda codebase: _remember(connection, codebase),
        )
    return client_for_values(
        connection.api_url,
        connection.cw_company,
        connection.public_key,
        connection.get_private_key(),
        **options,
    )


def _budget(connection):
    rate = settings.SYNC_REQUESTS_PER_SECOND
    redis_url = settings.CELERY_BROKER_URL
    if not redis_url.startswith(("redis://", "rediss://")):
        redis_url = None
    return make_budget(
        f"superit:cw-budget:{connection.pk}", rate, max(1, int(rate)), redis_url
    )


def _remember(connection, codebase):
    type(connection).objects.filter(pk=connection.pk).update(codebase=codebase)
    connection.codebase = codebase

"""Calling the API as a person: a client that sends their API token."""

from django.test import Client

from superit import api_tokens
from superit.models import Membership


class Api:
    """The test client with an ``Authorization: Bearer`` header (none when
    ``token`` is None); JSON bodies."""

    def __init__(self, token=None, keyword="Bearer", **client_options):
        self.token = token
        self.client = Client(**client_options)
        self.headers = {"Authorization": f"{keyword} {token}"} if token else {}

    def get(self, path, params=None):
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path, body=None):
        return self.client.post(
            path, body or {}, content_type="application/json", headers=self.headers
        )


def token_of(user, tenant=None, name="Test token"):
    """A new token of ``user`` in ``tenant`` (their only one by default)."""
    memberships = Membership.objects.filter(user=user)
    if tenant is not None:
        memberships = memberships.filter(tenant=tenant)
    return api_tokens.issue(memberships.get(), name)[1]


def api_of(user, tenant=None, **client_options):
    return Api(token_of(user, tenant), **client_options)


def ids(response):
    """The ids of a list page's rows."""
    return [row["id"] for row in response.json()["results"]]

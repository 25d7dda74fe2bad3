import pytest
from django.core.cache import caches
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from connectwise import outbound
from psa.models import Connection
from superit import two_factor
from superit.api_auth import failure_key
from superit.models import Membership, Team, Tenant, User

PASSWORD = "correct horse battery staple"


def _no_real_names(host, port):
    """Tests never resolve a real host: only loopback names are known."""
    if host in ("localhost", "127.0.0.1"):
        return ["127.0.0.1"]
    raise OSError(f"tests do not resolve {host}")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing strength is Django's business; tests only need a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_PLAIN_LOGIN = Client._login


def _login_with_second_factor(original):
    """Client logins as the suite makes them (force_login, login), with the
    session past the second factor the way django-otp marks it, so manager
    pages open as they did before two-factor existed. Technicians' logins
    stay as they are: they have no second factor."""

    def login(client, user, backend=None):
        original(client, user, backend)
        manages = Membership.objects.filter(user=user, role=Membership.MANAGER)
        if not (user.is_staff or manages.exists()):
            return  # technicians have no second factor
        device = two_factor.confirmed_device(user) or TOTPDevice.objects.create(
            user=user, name="Test device", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    return login


@pytest.fixture(autouse=True)
def second_factor_passed(monkeypatch):
    """Every test client login is verified; tests of the second factor
    itself take ``without_second_factor``."""
    monkeypatch.setattr(Client, "_login", _login_with_second_factor(Client._login))


@pytest.fixture
def without_second_factor(monkeypatch, second_factor_passed):
    monkeypatch.setattr(Client, "_login", _PLAIN_LOGIN)


@pytest.fixture(autouse=True)
def fake_resolver():
    with outbound.use_resolver(_no_real_names):
        yield


class TenantWorld:
    """A tenant with a manager, a technician in one managed team."""

    def __init__(self, name):
        self.tenant = Tenant.objects.create(name=name)
        slug = name.lower().replace(" ", "")
        self.manager = User.objects.create_user(f"manager@{slug}.test", PASSWORD)
        self.technician = User.objects.create_user(f"tech@{slug}.test", PASSWORD)
        self.team = Team.objects.create(tenant=self.tenant, name="Tier 1")
        Membership.objects.create(
            user=self.manager, tenant=self.tenant, role=Membership.MANAGER
        )
        tech = Membership.objects.create(
            user=self.technician, tenant=self.tenant, role=Membership.TECHNICIAN
        )
        tech.teams.add(self.team)

    def client(self, user):
        client = Client()
        client.force_login(user)
        return client

    @property
    def manager_client(self):
        return self.client(self.manager)

    @property
    def technician_client(self):
        return self.client(self.technician)

    def connection(self, url="https://na.myconnectwise.net", **fields):
        values = {
            "tenant": self.tenant,
            "name": "ConnectWise",
            "cw_company": "superitdemo",
            "api_url": url,
            "public_key": "pub-key",
            "status": Connection.ACTIVE,
        }
        values.update(fields)
        private_key = values.pop("private_key", "priv-key-secret")
        connection = Connection(**values)
        connection.set_private_key(private_key)
        connection.save()
        return connection


@pytest.fixture
def world_a(db):
    return TenantWorld("Alpha MSP")


@pytest.fixture
def world_b(db):
    return TenantWorld("Bravo MSP")


@pytest.fixture(scope="session")
def sandbox():
    """A small ConnectWise sandbox shared by the tests that only read it."""
    from connectwise.sandbox import Sandbox

    with Sandbox(companies=12, contacts=60, tickets=150, seed=7) as running:
        yield running


@pytest.fixture
def fresh_sandbox():
    """A sandbox of the test's own, for tests that change its data."""
    from connectwise.sandbox import Sandbox

    with Sandbox(companies=10, contacts=40, tickets=120, seed=11) as running:
        yield running


@pytest.fixture
def allow_sandbox(settings):
    def allow(running):
        settings.CONNECTWISE_ALLOWED_HOSTS = [f"127.0.0.1:{running.port}"]
        return running

    return allow


def sandbox_connection(world, running, **fields):
    """An active connection of ``world`` pointing at a running sandbox."""
    values = {
        "cw_company": running.company_id,
        "public_key": running.public_key,
        "private_key": running.private_key,
    }
    values.update(fields)
    return world.connection(url=running.url, **values)


@pytest.fixture(autouse=True)
def no_failed_api_requests_counted(settings):
    """The test client's address (127.0.0.1) starts each test with no
    request without a valid token counted against it; the count lives in
    the throttle's cache (Redis when REDIS_URL is set), across tests."""
    caches[settings.API_THROTTLE_CACHE].delete(failure_key("127.0.0.1"))

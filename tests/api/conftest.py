import pytest

from sync import writeback
from tests.api.helpers import api_of
from tests.psa.ticket_world import Desk


@pytest.fixture
def manager_api(world_a):
    return api_of(world_a.manager)


@pytest.fixture
def technician_api(world_a):
    return api_of(world_a.technician)


@pytest.fixture
def other_api(world_b):
    """Tenant B's manager."""
    return api_of(world_b.manager)


@pytest.fixture
def desk(world_a):
    """Tenant A's service desk: tickets in Tier 1 (the technician's team)
    and Tier 2 (not theirs)."""
    desk = Desk(world_a)
    desk.mine = desk.ticket(5001, "Printer offline", team=world_a.team)
    desk.theirs = desk.ticket(5002, "Server room too warm", team=desk.tier2)
    return desk


@pytest.fixture
def queued(monkeypatch):
    """Writes handed to the workers (none reaches a broker)."""
    sent = []
    monkeypatch.setattr(writeback, "queue", sent.append)
    return sent

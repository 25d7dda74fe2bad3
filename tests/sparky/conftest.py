"""What Sparky's tests share: the desk of tickets, and who asks."""

import pytest

from tests.sparky.world import SparkyDesk


@pytest.fixture
def desk(world_a):
    return SparkyDesk(world_a)


@pytest.fixture
def eager(settings):
    """Answers (and writes) run where they are queued."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def tech(world_a):
    return world_a.technician_client

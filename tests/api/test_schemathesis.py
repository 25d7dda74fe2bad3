"""Schemathesis against the live schema: every operation, a bounded number
of generated requests each, sent in process to the WSGI application with a
manager's token of a seeded tenant. No answer may be a 5xx or break the
schema (status, content type, headers, body).

Each generated request is sent twice: as generated (its ids mostly name
nothing, so 404s and refusals are checked), and with its path's id set to
a real row of the seeded tenant, so the answers with data are checked too.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from psa.models import CompanyTeamLink, Contact
from superit.wsgi import application
from sync.models import SyncLogEntry, SyncRun, TicketWrite
from tests.api.helpers import token_of
from tests.psa.ticket_world import Desk
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

EXAMPLES = 12
# positive_data_acceptance wants every schema-valid body accepted, but the
# forms rightly refuse what a schema cannot say: a status of another board,
# a status the ticket has already, a time entry of last year. Every other
# check runs.
NOT_CHECKED = ("positive_data_acceptance",)


@pytest.fixture
def seeded(world_a, world_b, settings):
    """Tenant A with a row of every kind; the ids each path can name."""
    settings.API_THROTTLE_RATE = "100000/minute"
    # Schemathesis sends wrong tokens too, every one from 127.0.0.1.
    settings.API_FAILED_AUTH_RATE = "100000/minute"
    desk = Desk(world_a)
    ticket = desk.ticket(5001, "Printer offline", team=world_a.team)
    desk.ticket(5002, "VPN drops", team=desk.tier2, status=desk.waiting)
    CompanyTeamLink.objects.create(
        tenant=desk.tenant,
        connection=desk.connection,
        company=desk.acme,
        team=desk.tier1,
    )
    contact = desk._row(Contact, 40, company=desk.acme, first_name="Ana")
    run = SyncRun.objects.create(
        tenant=desk.tenant, connection=desk.connection, kind=SyncRun.TICKETS
    )
    SyncLogEntry.objects.create(
        tenant=desk.tenant, run=run, level="warning", message="A warning."
    )
    endpoint = WebhookEndpoint(tenant=desk.tenant, connection=desk.connection)
    endpoint.set_secret("schemathesis-secret")
    endpoint.save()
    event = WebhookEvent.objects.create(
        tenant=desk.tenant, endpoint=endpoint, connection=desk.connection, cw_id=5001
    )
    write = TicketWrite.objects.create(
        tenant=desk.tenant,
        connection=desk.connection,
        ticket=ticket,
        kind=TicketWrite.NOTE,
        state=TicketWrite.FAILED,
        request={"text": "Seen by schemathesis", "internal": True},
        message="ConnectWise refused this.",
        requested_by=world_a.manager,
    )
    ids = {
        "connections": desk.connection.pk,
        "companies": desk.acme.pk,
        "contacts": contact.pk,
        "teams": desk.tier1.pk,
        "tickets": ticket.pk,
        "sync-runs": run.pk,
        "webhook-events": event.pk,
        "writes": write.pk,
    }
    return {"token": token_of(world_a.manager), "ids": ids}


@pytest.fixture
def connection_kept():
    """Django closes the database connection when a request ends, which
    would end the test's transaction: as its test client does, keep it
    open while the application answers in process."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Read when the tests are collected: serving the schema reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def real_id(case, ids):
    """The seeded row the case's path names by its first segment."""
    if "id" not in (case.path_parameters or {}):
        return None
    kind = case.path.removeprefix("/api/v1/").split("/")[0]
    return ids[kind]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_answer_is_a_5xx_or_breaks_the_schema(case, seeded, connection_kept):
    headers = {"Authorization": f"Bearer {seeded['token']}"}
    excluded = [check for check in _checks() if check.__name__ in NOT_CHECKED]
    case.call_and_validate(headers=headers, excluded_checks=excluded)
    pk = real_id(case, seeded["ids"])
    if pk is not None:
        again = case.operation.Case(
            path_parameters={**case.path_parameters, "id": pk},
            query=case.query,
            body=case.body,
            media_type=case.media_type,
        )
        again.call_and_validate(headers=headers, excluded_checks=excluded)


def _checks():
    from schemathesis.specs.openapi import checks

    return [getattr(checks, name) for name in NOT_CHECKED]

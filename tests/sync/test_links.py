"""Rows that arrive before what they point at are linked when it comes."""

import pytest
from django.utils import timezone

from psa.models import Ticket, TimeEntry
from sync import links
from sync.entities import TICKETS

pytestmark = pytest.mark.django_db


def _entry(world, connection, cw_id, charge_to_type):
    return TimeEntry.objects.create(
        tenant=world.tenant,
        connection=connection,
        cw_id=cw_id,
        cw_charge_to_id=5,
        charge_to_type=charge_to_type,
        synced_at=timezone.now(),
    )


def test_only_time_charged_to_a_service_ticket_links_to_the_ticket(world_a):
    connection = world_a.connection()
    on_ticket = _entry(world_a, connection, 1, "ServiceTicket")
    on_project = _entry(world_a, connection, 2, "ProjectTicket")
    on_charge_code = _entry(world_a, connection, 3, "ChargeCode")
    ticket = Ticket.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        cw_id=5,
        summary="Same id as the project ticket",
        synced_at=timezone.now(),
    )
    waiting = links.waiting_links(connection, TICKETS)
    links.link_waiting_rows(connection, TICKETS, [5], waiting)
    linked = dict(TimeEntry.objects.values_list("pk", "ticket_id"))
    assert linked == {
        on_ticket.pk: ticket.pk,
        on_project.pk: None,
        on_charge_code.pk: None,
    }

"""The companies tab's search: by company name or identifier, or by contact."""

import pytest
from django.urls import reverse
from django.utils import timezone

from psa.models import Company, Contact

pytestmark = pytest.mark.django_db


def _company(world, connection, cw_id, name, contacts=()):
    now = timezone.now()
    company = Company.objects.create(
        tenant=world.tenant,
        connection=connection,
        cw_id=cw_id,
        name=name,
        identifier=name.replace(" ", ""),
        synced_at=now,
        raw={"id": cw_id, "name": name},
    )
    for offset, (first, last) in enumerate(contacts):
        Contact.objects.create(
            tenant=world.tenant,
            connection=connection,
            cw_id=cw_id * 100 + offset,
            company=company,
            first_name=first,
            last_name=last,
            synced_at=now,
        )
    return company


def _names(world, connection, query):
    url = reverse("psa:connection-companies", args=[connection.pk])
    response = world.manager_client.get(url, {"q": query})
    assert response.status_code == 200
    return [company.name for company in response.context["companies"]]


def test_a_company_found_through_two_contacts_shows_once(world_a):
    connection = world_a.connection()
    _company(world_a, connection, 1, "Acme", [("Dana", "Smith"), ("Lee", "Smith")])
    _company(world_a, connection, 2, "Globex", [("Kim", "Jones")])
    assert _names(world_a, connection, "smith") == ["Acme"]


def test_search_matches_names_and_identifiers(world_a):
    connection = world_a.connection()
    _company(world_a, connection, 1, "Acme Dental")
    _company(world_a, connection, 2, "Globex", [("Acme", "Fan")])
    _company(world_a, connection, 3, "Initech")
    assert _names(world_a, connection, "acme") == ["Acme Dental", "Globex"]
    assert _names(world_a, connection, "AcmeDental") == ["Acme Dental"]


def test_search_never_reaches_another_tenants_contacts(world_a, world_b):
    connection = world_a.connection()
    _company(world_a, connection, 1, "Acme")
    theirs = _company(world_b, world_b.connection(), 1, "Acme", [("Zed", "Quux")])
    # Even a contact of theirs pointing at our company is not a match.
    Contact.objects.filter(company=theirs).update(
        company=Company.objects.get(tenant=world_a.tenant)
    )
    assert _names(world_a, connection, "quux") == []


def test_a_contact_deleted_in_connectwise_no_longer_matches(world_a):
    connection = world_a.connection()
    _company(world_a, connection, 1, "Acme", [("Dana", "Gone")])
    Contact.objects.update(deleted_at=timezone.now())
    assert _names(world_a, connection, "gone") == []


def test_a_row_lists_three_contacts_and_a_search_lists_them_all(world_a):
    connection = world_a.connection()
    people = [("Ana", "One"), ("Ben", "Two"), ("Cy", "Three"), ("Di", "Four")]
    _company(world_a, connection, 1, "Acme Works", people)
    url = reverse("psa:connection-companies", args=[connection.pk])

    page = world_a.manager_client.get(url).content.decode()
    # Contacts come by last name: Four, One, Three, then Two.
    assert "Cy Three" in page and "Ben Two" not in page
    assert '<a href="?q=AcmeWorks">and 1 more contact</a>' in page

    found = world_a.manager_client.get(url, {"q": "AcmeWorks"}).content.decode()
    assert all(f"{first} {last}" in found for first, last in people)
    assert "more contact" not in found

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from superit.models import Membership, Tenant

pytestmark = pytest.mark.django_db


def test_it_creates_a_tenant_with_its_first_manager():
    call_command(
        "createtenant", "Acme MSP", manager_email="Boss@Acme.test", password="s3cret-pw"
    )
    membership = Membership.objects.get(tenant__name="Acme MSP")
    assert membership.role == Membership.MANAGER
    assert membership.user.email == "boss@acme.test"
    client = Client()
    # Login throttling (django-axes) needs the request the login came with.
    login_request = RequestFactory().post(reverse("superit:login"))
    assert client.login(
        request=login_request, username="boss@acme.test", password="s3cret-pw"
    )
    assert client.get(reverse("psa:connections")).status_code == 200


def test_it_refuses_a_duplicate_tenant_name_and_changes_nothing():
    call_command("createtenant", "Acme MSP", manager_email="a@x.test", password="pw-1")
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "createtenant", "Acme MSP", manager_email="b@x.test", password="pw-2"
        )
    assert Tenant.objects.count() == 1


def test_it_refuses_an_existing_user_with_another_password():
    call_command("createtenant", "One", manager_email="a@x.test", password="pw-1")
    with pytest.raises(CommandError, match="another password"):
        call_command("createtenant", "Two", manager_email="a@x.test", password="nope")
    assert not Tenant.objects.filter(name="Two").exists()

"""Test a connection's values and keep what passed as a draft until saved."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from connectwise.checks import run_connection_checks
from psa.clients import client_for_values
from psa.models import Connection

log = logging.getLogger(__name__)


def run_checks(values, private_key):
    cw_company, api_url, public_key = values
    with client_for_values(api_url, cw_company, public_key, private_key) as client:
        return run_connection_checks(client)


DRAFT_LIFETIME = timedelta(days=1)


def store_draft(tenant, user, form, report, private_key, replaces=None):
    """Record the tested values as a draft until Save Connection.

    Drafts nobody saved within a day are removed here, so abandoned tests
    do not keep copies of private keys.
    """
    Connection.objects.filter(
        tenant=tenant,
        status=Connection.DRAFT,
        created_at__lt=timezone.now() - DRAFT_LIFETIME,
    ).delete()
    data = form.cleaned_data
    draft = Connection(
        tenant=tenant,
        name=data["name"],
        cw_company=data["cw_company"],
        api_url=data["api_url"],
        public_key=data["public_key"],
        codebase=report.codebase or "",
        cw_company_name=report.company_name or "",
        cw_version=report.version or "",
        status=Connection.DRAFT,
        replaces=replaces,
        last_tested_at=timezone.now(),
        created_by=user,
    )
    draft.set_private_key(private_key)
    draft.save()
    log.info(
        "connection tested",
        extra={"tenant_id": tenant.pk, "connection_id": draft.pk, "draft": True},
    )
    return draft


def discard_draft(draft):
    """A newer test of the same form replaces its draft."""
    draft.delete()


def changed_since_test(draft, form):
    """Name the tested fields the form no longer matches, if any."""
    data = form.cleaned_data
    changed = [
        form.fields[name].label
        for name in ("cw_company", "api_url", "public_key")
        if getattr(draft, name) != data[name]
    ]
    if data.get("private_key") and data["private_key"] != draft.get_private_key():
        changed.append(form.fields["private_key"].label)
    return changed


@transaction.atomic
def save_draft(draft, name):
    """Make a tested draft the active connection (or apply it to the original)."""
    target = draft.replaces or draft
    for field in (
        "cw_company",
        "api_url",
        "public_key",
        "private_key_token",
        "codebase",
        "cw_company_name",
        "cw_version",
        "last_tested_at",
    ):
        setattr(target, field, getattr(draft, field))
    target.name = name
    # A disabled connection stays disabled through an edit: only Enable
    # turns its syncs and callbacks back on.
    if target.status != Connection.DISABLED:
        target.status = Connection.ACTIVE
    target.last_error = ""
    target.replaces = None
    target.save()
    if target.pk != draft.pk:
        draft.delete()
    log.info(
        "connection saved",
        extra={"tenant_id": target.tenant_id, "connection_id": target.pk},
    )
    return target

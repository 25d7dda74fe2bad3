"""The audit log page: the tenant's manager actions, newest first."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from superit import audit
from superit.models import AuditEvent, User
from superit.params import parse_id
from superit.permissions import manager_required

PAGE_SIZE = 50


@require_safe
@manager_required
def audit_log(request):
    events = AuditEvent.objects.for_tenant(request.tenant).select_related("actor")
    people = _people(request.tenant)
    action, person = _filters(request, people)
    if action:
        events = events.filter(action=action)
    if person:
        events = events.filter(actor_id=person)

    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.words = audit.describe(event.action)
    context = {
        "page": page,
        "events": page.object_list,
        "actions": list(audit.ACTIONS.items()),
        "people": people,
        "action": action,
        "person": person,
    }
    return render(request, "superit/audit_log.html", context)


def _people(tenant):
    """Everyone who acted in this tenant, members or not any more."""
    acted = AuditEvent.objects.for_tenant(tenant).values("actor_id")
    return list(User.objects.filter(pk__in=acted).order_by("email"))


def _filters(request, people):
    """The chosen action and person; a value not on offer is dropped with
    a message rather than showing an empty log."""
    action = request.GET.get("action", "")
    if action and action not in audit.ACTIONS:
        messages.error(request, "That action is not one the log records.")
        action = ""
    raw_person = request.GET.get("person", "")
    person = parse_id(raw_person)
    if raw_person and person not in {p.pk for p in people}:
        messages.error(request, "That person has no actions in this log.")
        person = None
    return action, person

"""The profile page: a person's name and their ConnectWise member, which
notes and time entries they add are written as (psa/members.py, sync/authors.py)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from psa.members import find_member, member_name, tenant_members
from psa.models import Connection
from psa.profile_forms import ProfileForm
from superit.permissions import tenant_required


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_required
def profile(request):
    membership = request.membership
    initial = {
        "first_name": request.user.first_name,
        "last_name": request.user.last_name,
        "cw_member_identifier": membership.cw_member_identifier,
    }
    form = ProfileForm(request.POST or None, initial=initial, membership=membership)
    if request.method == "POST" and form.is_valid():
        _save(request, form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("psa:profile")
    context = {
        "form": form,
        "members": _members_by_connection(request.tenant, membership),
        "known": tenant_members(request.tenant).order_by("identifier")[:500],
        "member_set": membership.cw_member_identifier,
    }
    return render(request, "psa/profile.html", context)


def _save(request, values):
    user, membership = request.user, request.membership
    user.first_name, user.last_name = values["first_name"], values["last_name"]
    user.save(update_fields=["first_name", "last_name"])
    if "cw_member_identifier" in values:
        membership.cw_member_identifier = values["cw_member_identifier"]
        membership.save(update_fields=["cw_member_identifier"])


def _members_by_connection(tenant, membership):
    """Per active connection, the member the technician's notes and time
    entries are written as, and how it was found."""
    rows = []
    chosen = membership.cw_member_identifier.lower()
    connections = Connection.objects.for_tenant(tenant).filter(status=Connection.ACTIVE)
    for connection in connections:
        member = find_member(connection, membership)
        row = {"connection": connection, "member": member}
        if member is not None:
            row["name"] = member_name(member)
            row["how"] = (
                "set here"
                if member.identifier.lower() == chosen
                else ("matched by e-mail")
            )
        rows.append(row)
    return rows

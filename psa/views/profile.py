"""The profile page: a person's name, their ConnectWise member, which
notes and time entries they add are written as (psa/members.py,
sync/authors.py), and their API tokens (psa/views/api_tokens.py)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from psa.members import find_member, member_name, tenant_members
from psa.models import Connection
from psa.profile_forms import ApiTokenForm, ProfileForm
from superit.models import ApiToken
from superit.permissions import tenant_required


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_required
def profile(request):
    form = ProfileForm(
        request.POST or None, initial=_initial(request), membership=request.membership
    )
    if request.method == "POST" and form.is_valid():
        _save(request, form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("psa:profile")
    return profile_page(request, form=form)


def profile_page(request, *, form=None, token_form=None, new_token=None, status=200):
    """The page with the given forms (fresh ones otherwise) and, right after
    it was made, a token's text: the one time it is shown."""
    membership = request.membership
    if form is None:
        form = ProfileForm(initial=_initial(request), membership=membership)
    context = {
        "form": form,
        "members": _members_by_connection(request.tenant, membership),
        "known": tenant_members(request.tenant).order_by("identifier")[:500],
        "member_set": membership.cw_member_identifier,
        "token_form": token_form or ApiTokenForm(membership=membership),
        "tokens": ApiToken.objects.for_tenant(request.tenant).filter(user=request.user),
        "new_token": new_token,
    }
    return render(request, "psa/profile.html", context, status=status)


def _initial(request):
    return {
        "first_name": request.user.first_name,
        "last_name": request.user.last_name,
        "cw_member_identifier": request.membership.cw_member_identifier,
    }


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

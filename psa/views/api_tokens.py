"""Personal API tokens on the profile page: made (and shown once) and
revoked by their owner. The token acts as its owner in the current tenant
(superit/api_tokens.py); a manager reaches this page only past the second
factor, so every manager's token was made by someone who had it."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from psa.profile_forms import ApiTokenForm
from psa.views.profile import profile_page
from superit import api_tokens, audit
from superit.models import ApiToken
from superit.permissions import tenant_required
from superit.tenancy import get_for_tenant_or_404


@require_POST
@tenant_required
def token_add(request):
    # The count of active tokens (the form's) and the new token in one
    # transaction, the membership's row locked: a post made meanwhile waits
    # and counts the token this one makes.
    with transaction.atomic():
        api_tokens.lock_holder(request.membership)
        form = ApiTokenForm(request.POST, membership=request.membership)
        if form.is_valid():
            name = form.cleaned_data["name"]
            token, text = api_tokens.issue(request.membership, name)
            audit.record(request, "api_token.created", token)
    if not form.is_valid():
        return profile_page(request, token_form=form, status=400)
    response = profile_page(request, new_token=text)
    # The only copy of the token: no cache may keep the page.
    add_never_cache_headers(response)
    return response


@require_POST
@tenant_required
def token_revoke(request, pk):
    """Only the token's owner revokes it: anyone else's is a 404."""
    tokens = ApiToken.objects.filter(user=request.user)
    token = get_for_tenant_or_404(tokens, request.tenant, pk=pk)
    api_tokens.revoke(token)
    audit.record(request, "api_token.revoked", token)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("psa:profile")

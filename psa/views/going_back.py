"""Where a form sends the manager back to after it is done."""

from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, default):
    """The posted (or asked) ``next`` page when it is one of this site's
    paths; otherwise ``default``, so no link can send anyone elsewhere."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=False
    ):
        return wanted
    return default

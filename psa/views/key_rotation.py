from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from psa.key_forms import RotateKeysForm
from psa.key_rotation import rotate_keys
from psa.views.saved_connection import saved_connection
from superit import audit
from superit.permissions import manager_required

HISTORY_SIZE = 20


@sensitive_post_parameters("private_key")
@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def rotate(request, pk):
    connection = saved_connection(request, pk)
    form = RotateKeysForm(request.POST or None, connection=connection)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = rotate_keys(
            connection, request.user, data["public_key"], data["private_key"]
        )
        action = "connection.keys_rotated" if report.ok else "connection.keys_refused"
        audit.record(request, action, connection)
        if report.ok:
            messages.success(request, "Keys rotated: the new pair is in use now.")
            return redirect("psa:connection", pk=connection.pk)

    history = connection.key_rotations.select_related("rotated_by")[:HISTORY_SIZE]
    return render(
        request,
        "psa/connection_keys.html",
        {
            "connection": connection,
            "form": form,
            "report": report,
            "history": history,
            "tab": "keys",
        },
    )

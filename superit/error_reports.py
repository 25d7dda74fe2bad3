"""Error pages and reports that never show a secret.

Django cleanses only what views mark sensitive, and only when DEBUG is off.
This filter is always on, hides variables whose names say they hold a
secret, and replaces the text of every posted sensitive parameter wherever
it appears in a frame's variables.
"""

import re

from django.views.debug import SafeExceptionReporterFilter

SECRET_NAMES = re.compile(r"key|secret|token|pass|auth|signature|credential", re.I)


class SecretSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = SECRET_NAMES

    def is_active(self, request):
        return True

    def get_traceback_frame_variables(self, request, tb_frame):
        secrets = _posted_secrets(request)
        cleansed = []
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if SECRET_NAMES.search(name) and value != self.cleansed_substitute:
                value = self.cleansed_substitute
            elif secrets:
                value = _without(repr(value), secrets, self.cleansed_substitute)
            cleansed.append((name, value))
        return cleansed


def _posted_secrets(request):
    names = getattr(request, "sensitive_post_parameters", None) or ()
    if request is None or not names:
        return []
    if names == "__ALL__":
        names = list(request.POST)
    return [value for name in names for value in request.POST.getlist(name) if value]


class _Shown(str):
    """A repr already made safe: shown as it is, not quoted again."""

    def __repr__(self):
        return str(self)


def _without(text, secrets, substitute):
    for secret in secrets:
        text = text.replace(secret, substitute)
    return _Shown(text)

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superit.settings")

app = Celery("superit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The signal handlers that carry log ids from requests into tasks.
import superit.task_context  # noqa: E402, F401

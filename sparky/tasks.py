"""Sparky's Celery task: one answer, produced by a worker (the web process
only stores the question), on SPARKY_QUEUE."""

from celery import shared_task
from django.conf import settings

from sparky import answering


# Acknowledged late: an answer whose worker died is produced again from
# the start. Its limit is the provider's own timeout and some room to
# build the context.
@shared_task(
    name="sparky.tasks.produce_answer",
    acks_late=True,
    soft_time_limit=settings.SPARKY_TIMEOUT + 30,
    time_limit=settings.SPARKY_TIMEOUT + 60,
)
def produce_answer(message_id):
    answering.produce(message_id)

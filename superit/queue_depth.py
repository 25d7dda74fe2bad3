"""How many tasks wait in each Celery queue, read from the broker at
scrape time (superit.metrics)."""

from pathlib import Path

import redis
from django.conf import settings
from prometheus_client.core import GaugeMetricFamily

# Kombu's Redis transport keeps a list per queue and priority step; a task
# without a priority goes to the list named after the queue.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)


def queue_names():
    return sorted(
        {
            settings.CELERY_TASK_DEFAULT_QUEUE,
            settings.SUPERIT_SYNC_QUEUE,
            settings.SUPERIT_WEBHOOK_QUEUE,
            settings.SUPERIT_WRITE_QUEUE,
            settings.SPARKY_QUEUE,
        }
    )


def depths():
    """{queue: tasks waiting}, from Redis or the file-system broker."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return _folder_depths(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    if url.startswith(("redis://", "rediss://")):
        return _redis_depths(url)
    return {}


def _redis_depths(url):
    timeout = settings.READYZ_TIMEOUT_SECONDS
    client = redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    with client:
        pipe = client.pipeline(transaction=False)
        for queue in queue_names():
            pipe.llen(queue)
            for step in PRIORITY_STEPS:
                pipe.llen(f"{queue}{PRIORITY_SEPARATOR}{step}")
        lengths = pipe.execute()
    per_queue = len(PRIORITY_STEPS) + 1
    return {
        queue: sum(lengths[i * per_queue : (i + 1) * per_queue])
        for i, queue in enumerate(queue_names())
    }


def _folder_depths(options):
    """The file broker names each message file "<time>_<id>.<queue>.msg"."""
    counts = dict.fromkeys(queue_names(), 0)
    for path in Path(options["data_folder_in"]).iterdir():
        queue = path.name.partition(".")[2].removesuffix(".msg")
        if queue in counts:
            counts[queue] += 1
    return counts


class QueueCollector:
    def collect(self):
        family = GaugeMetricFamily(
            "superit_queue_tasks",
            "Tasks waiting in each Celery queue.",
            labels=["queue"],
        )
        for queue, waiting in depths().items():
            family.add_metric([queue], waiting)
        yield family

"""Celery app: the API enqueues `add`, the worker records each run in the database, beat
writes a heartbeat so a test can see that exactly one scheduler runs."""

import os
import socket
import time

import redis
from celery import Celery

from app.db import Session, TaskRun
from app.settings import REDIS_URL

celery = Celery("demo", broker=REDIS_URL, backend=REDIS_URL)
celery.conf.update(
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    beat_schedule={"heartbeat": {"task": "app.worker.heartbeat", "schedule": 5.0}},
)


@celery.task(name="app.worker.add")
def add(x, y):
    with Session.begin() as session:
        session.add(TaskRun(task_id=add.request.id, result=x + y))
    return x + y


@celery.task(name="app.worker.heartbeat")
def heartbeat():
    """Counts beats per scheduler host; two schedulers would double the rate."""
    client = redis.Redis.from_url(REDIS_URL)
    client.hset("demo:beat", mapping={"host": socket.gethostname(), "pid": os.getpid(), "at": time.time()})
    client.incr("demo:beat:count")

"""Dramatiq broker and actor: the second task system the role runs (a pool of processes times
threads per queue). The API sends `build_report`; the worker marks the report done in Redis."""

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import default_middleware

from app.settings import REDIS_URL

# Dramatiq's Prometheus middleware opens its own port in every worker; the app has /metrics.
broker = RedisBroker(
    url=REDIS_URL, middleware=[middleware() for middleware in default_middleware if middleware.__name__ != "Prometheus"]
)
dramatiq.set_broker(broker)


@dramatiq.actor(queue_name="standard_tasks", max_retries=3)
def build_report(report_id: str):
    redis.Redis.from_url(REDIS_URL).sadd("demo:reports:done", report_id)


def report_done(report_id: str) -> bool:
    return bool(redis.Redis.from_url(REDIS_URL).sismember("demo:reports:done", report_id))

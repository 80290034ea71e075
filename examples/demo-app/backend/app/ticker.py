"""A long-running command (python -m app.ticker): writes a timestamp to Redis every two
seconds and stops cleanly on SIGTERM, like any custom consumer or scheduler would."""

import signal
import threading
import time

import redis

from app.settings import REDIS_URL

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())


def main():
    client = redis.Redis.from_url(REDIS_URL)
    while not stop.is_set():
        client.set("demo:ticker:last", time.time())
        stop.wait(2)


if __name__ == "__main__":
    main()

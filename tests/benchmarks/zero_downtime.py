"""Bounded HTTP load over the app's Unix socket, or a URL, while a deploy runs; counts failed requests.

Runs on the app host with the standard library only. --url asks through nginx as a user does
(HTTPS without certificate verification: the test sites' certificates are self-signed).
Each request opens a new connection, as a proxy does after the app closed an idle one, so a
moment without a listener shows up as a failure. It stops when --stop-file appears (the
deploy driver writes the deploy's wall time in seconds into it), or after --max-seconds or
--max-requests, and prints one JSON line: requests, failures, a sample of errors, the
releases that answered and the deploy's wall time. Exit status 1 when a request failed or
fewer than --min-requests were made.
"""

import argparse
import http.client
import json
import os
import socket
import ssl
import threading
import urllib.parse
import time


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class Load:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.requests = 0
        self.failures = 0
        self.errors = []
        self.releases = []
        self.done = threading.Event()
        # Shared pacing: the whole client stays under --rate requests per second.
        self.interval = 1.0 / args.rate
        self.next_slot = time.monotonic()

    def wait_for_slot(self):
        with self.lock:
            slot = max(self.next_slot, time.monotonic())
            self.next_slot = slot + self.interval
        time.sleep(max(0.0, slot - time.monotonic()))

    def connection(self):
        if self.args.socket:
            return UnixHTTPConnection(self.args.socket, self.args.timeout), self.args.path
        url = urllib.parse.urlsplit(self.args.url)
        if url.scheme == "https":
            context = ssl._create_unverified_context()  # noqa: S323 - self-signed test sites
            connection = http.client.HTTPSConnection(url.netloc, timeout=self.args.timeout, context=context)
        else:
            connection = http.client.HTTPConnection(url.netloc, timeout=self.args.timeout)
        return connection, url.path or "/"

    def one_request(self):
        connection, path = self.connection()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                return f"HTTP {response.status}", None
            return None, json.loads(body).get("release")
        except (OSError, http.client.HTTPException, ValueError) as error:
            return f"{type(error).__name__}: {error}", None
        finally:
            connection.close()

    def record(self, error, release):
        with self.lock:
            self.requests += 1
            if error:
                self.failures += 1
                if len(self.errors) < 10:
                    self.errors.append(error)
            if release and release not in self.releases:
                self.releases.append(release)
            if self.requests >= self.args.max_requests:
                self.done.set()

    def worker(self):
        while not self.done.is_set():
            self.wait_for_slot()
            if not self.done.is_set():
                self.record(*self.one_request())

    def watch(self, started):
        while not self.done.wait(0.2):
            if os.path.exists(self.args.stop_file) or time.monotonic() - started > self.args.max_seconds:
                self.done.set()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--socket", help="the app's Unix socket")
    target.add_argument("--url", help="http(s) URL to request instead, e.g. through nginx")
    parser.add_argument("--path", default="/ready", help="path to request on --socket (its JSON names the release)")
    parser.add_argument("--stop-file", required=True, help="stop once this file exists")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=150.0, help="requests per second, all workers together")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--min-requests", type=int, default=2000)
    parser.add_argument("--max-requests", type=int, default=100000)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    args = parser.parse_args()

    load = Load(args)
    started = time.monotonic()
    threads = [threading.Thread(target=load.worker, name=f"client-{n}") for n in range(args.concurrency)]
    for thread in threads:
        thread.start()
    load.watch(started)
    for thread in threads:
        thread.join()

    deploy_seconds = None
    if os.path.exists(args.stop_file):
        with open(args.stop_file) as handle:
            deploy_seconds = float(handle.read().strip() or "nan")
    report = {
        "requests": load.requests,
        "failures": load.failures,
        "errors": load.errors,
        "releases": load.releases,
        "concurrency": args.concurrency,
        "load_seconds": round(time.monotonic() - started, 1),
        "deploy_seconds": deploy_seconds,
    }
    print(json.dumps(report))
    return 1 if load.failures or load.requests < args.min_requests else 0


if __name__ == "__main__":
    raise SystemExit(main())

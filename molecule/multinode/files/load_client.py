"""Bounded load on the load balancer while a deploy runs: N threads ask GET <url> until the stop
file exists and at least --min requests were made; half of the threads keep their connection
alive, half open a new one per request. A kept-alive connection that the server closed between
two requests is reopened once and the request sent again, as HTTP clients do; any other error or
a status other than 200 is a failed request. Writes a JSON summary."""

import argparse
import http.client
import json
import os
import ssl
import threading
import time
from collections import Counter

STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.BadStatusLine)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--path", default="/ready")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--min", type=int, default=5000)
    # Seconds each thread waits between two requests: 16 threads ask at most 32 times a second.
    parser.add_argument("--pause", type=float, default=0.5)
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    context = ssl._create_unverified_context()  # noqa: S323 - the test site's certificate is self-signed
    lock = threading.Lock()
    totals = Counter()
    hosts = Counter()
    failures = []
    started = time.time()

    def connect():
        return http.client.HTTPSConnection(args.host, 443, timeout=10, context=context)

    def ask(connection):
        connection.request("GET", args.path)
        response = connection.getresponse()
        body = response.read()
        return response.status, body

    def worker(keep_alive):
        connection = connect()
        while not (os.path.exists(args.stop_file) and totals["requests"] >= args.min):
            reused = keep_alive and connection.sock is not None
            try:
                try:
                    status, body = ask(connection)
                except STALE:
                    if not reused:
                        raise
                    connection.close()
                    connection = connect()
                    with lock:
                        totals["reopened"] += 1
                    status, body = ask(connection)
                host = json.loads(body).get("host", "?") if status == 200 else None
                error = None if status == 200 else f"status {status}: {body[:200]!r}"
            except Exception as exception:  # every other failure counts
                host, error = None, f"{type(exception).__name__}: {exception}"
                connection.close()
                connection = connect()
            with lock:
                totals["requests"] += 1
                totals["keep_alive" if keep_alive else "new_connection"] += 1
                if error:
                    totals["failed"] += 1
                    if len(failures) < 20:
                        failures.append({"time": round(time.time() - started, 3), "error": error})
                else:
                    hosts[host] += 1
            if not keep_alive:
                connection.close()
                connection = connect()
            time.sleep(args.pause)

    threads = [threading.Thread(target=worker, args=(index % 2 == 0,)) for index in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    summary = dict(
        totals, threads=args.threads, seconds=round(time.time() - started, 1), hosts=dict(hosts), failures=failures
    )
    summary.setdefault("failed", 0)
    with open(args.out, "w") as out:
        json.dump(summary, out, indent=2)


if __name__ == "__main__":
    main()

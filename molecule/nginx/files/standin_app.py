"""Stand-in ASGI app for the nginx scenario: echoes what nginx forwarded,
answers /health, echoes WebSocket messages and serves request counts and latencies on /metrics
(the names the demo app exports). Served by Debian's uvicorn; INSTANCE tells pool members apart."""

import json
import os
import time
from collections import Counter

INSTANCE = os.environ.get("INSTANCE", "standin")
BUCKETS = (0.005, 0.05, 0.5, 5.0)
REQUESTS = Counter()
LATENCY = {"count": 0, "sum": 0.0, "buckets": Counter()}


def metrics_text():
    lines = ["# TYPE http_requests_total counter"]
    for (method, status), count in sorted(REQUESTS.items()):
        lines.append(f'http_requests_total{{method="{method}",status="{status}"}} {count}')
    lines.append("# TYPE http_request_duration_seconds histogram")
    for bound in BUCKETS:
        lines.append(f'http_request_duration_seconds_bucket{{le="{bound}"}} {LATENCY["buckets"][bound]}')
    lines.append(f'http_request_duration_seconds_bucket{{le="+Inf"}} {LATENCY["count"]}')
    lines.append(f"http_request_duration_seconds_sum {LATENCY['sum']}")
    lines.append(f"http_request_duration_seconds_count {LATENCY['count']}")
    return ("\n".join(lines) + "\n").encode()


def observe(method, status, seconds):
    REQUESTS[(method, status)] += 1
    LATENCY["count"] += 1
    LATENCY["sum"] += seconds
    for bound in BUCKETS:
        if seconds <= bound:
            LATENCY["buckets"][bound] += 1


async def send_json(send, status, body):
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def websocket_echo(receive, send):
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif event["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": "echo: " + (event.get("text") or "")})
        else:
            return


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            event = await receive()
            await send({"type": event["type"] + ".complete"})
            if event["type"] == "lifespan.shutdown":
                return
    if scope["type"] == "websocket":
        await websocket_echo(receive, send)
        return
    started = time.perf_counter()
    if scope["path"] == "/metrics":
        body = metrics_text()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})
        return
    await respond(scope, send)
    observe(scope["method"], 200, time.perf_counter() - started)


async def respond(scope, send):
    headers = {name.decode(): value.decode() for name, value in scope["headers"]}
    if scope["path"] == "/health":
        await send_json(send, 200, {"status": "ok", "instance": INSTANCE})
        return
    await send_json(send, 200, {"instance": INSTANCE, "path": scope["path"], "headers": headers})

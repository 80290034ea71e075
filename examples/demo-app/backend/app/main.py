"""The demo FastAPI app: health with per-component status, readiness, Prometheus metrics,
a WebSocket echo, a Celery and a Dramatiq task round trip and static files."""

import os
import socket
import time

import redis
from fastapi import FastAPI, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess
from sqlalchemy import func, select, text

from app.db import Item, Session, TaskRun, engine, replica_engine
from app.settings import REDIS_URL, STATIC_DIR, SYS_ENV, release_id
from app.reports import build_report, report_done
from app.worker import add

app = FastAPI(title="fastops demo")
app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
redis_client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)

REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "path", "status"])
LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["path"])


@app.middleware("http")
async def measure(request: Request, call_next):
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    path = route.path if route else "unmatched"
    REQUESTS.labels(request.method, path, str(response.status_code)).inc()
    LATENCY.labels(path).observe(time.perf_counter() - started)
    return response


def check(probe):
    try:
        probe()
    except Exception as error:  # any failure makes the component unhealthy
        return f"error: {type(error).__name__}"
    return "ok"


def database_probe():
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


@app.get("/health")
def health():
    checks = {"database": check(database_probe), "redis": check(redis_client.ping)}
    healthy = all(value == "ok" for value in checks.values())
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "checks": checks,
        "release": release_id(),
        "env": SYS_ENV,
        "host": socket.gethostname(),
    }
    return JSONResponse(body, status_code=200 if healthy else 503)


@app.get("/ready")
def ready():
    # The host name tells which server of a load-balanced pool answered.
    return {"ready": True, "release": release_id(), "host": socket.gethostname()}


@app.get("/metrics")
def metrics():
    # Under gunicorn every worker counts on its own; the multiprocess collector adds them up.
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


@app.post("/items")
def create_item(name: str):
    with Session.begin() as session:
        item = Item(name=name)
        session.add(item)
        session.flush()
        return {"id": item.id, "name": item.name}


@app.get("/items/count")
def count_items():
    with Session() as session:
        return {"count": session.scalar(select(func.count()).select_from(Item))}


@app.get("/items/count/replica")
def count_items_on_replica():
    # Which server answered, and whether it is a read-only standby.
    with replica_engine.connect() as connection:
        row = connection.execute(
            text("SELECT count(*), pg_is_in_recovery(), host(inet_server_addr()) FROM items")
        ).one()
    return {"count": row[0], "standby": row[1], "server": row[2]}


@app.post("/tasks/add")
def enqueue_add(x: int, y: int):
    return {"task_id": add.delay(x, y).id}


@app.get("/tasks/{task_id}")
def task_result(task_id: str):
    with Session() as session:
        run = session.scalar(select(TaskRun).where(TaskRun.task_id == task_id))
        return {"task_id": task_id, "done": run is not None, "result": run.result if run else None}


@app.post("/reports/{report_id}")
def enqueue_report(report_id: str):
    build_report.send(report_id)
    return {"report_id": report_id}


@app.get("/reports/{report_id}")
def report_status(report_id: str):
    return {"report_id": report_id, "done": report_done(report_id)}


@app.websocket("/ws")
async def echo(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        return

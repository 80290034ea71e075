"""The python_app role's JSON log module (roles/python_app/files/fastops_json_log.py) and its config."""

import asyncio
import importlib.util
import io
import json
import logging
import logging.config
import sys
import types
from pathlib import Path

import jinja2
import pytest

ROLE = Path(__file__).resolve().parents[3] / "roles" / "python_app"


@pytest.fixture
def json_log(monkeypatch):
    spec = importlib.util.spec_from_file_location("fastops_json_log", ROLE / "files" / "fastops_json_log.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "fastops_json_log", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def lines(json_log):
    """JSON lines the access logger writes during a test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_log.JsonFormatter())
    logger = json_log.ACCESS_LOGGER
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def record(message, *args, **extra):
    made = logging.LogRecord("app.orders", logging.WARNING, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def test_a_record_is_one_json_object_with_its_extra_fields(json_log):
    line = json_log.JsonFormatter().format(record("order %s failed", 17, order_id=17, color_message="x"))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "warning"
    assert entry["logger"] == "app.orders"
    assert entry["message"] == "order 17 failed"
    assert entry["order_id"] == 17
    assert "color_message" not in entry, "uvicorn's coloured copy of the message is dropped"
    assert entry["time"].endswith("+00:00")


def test_an_exception_stays_inside_the_line(json_log):
    made = logging.LogRecord("app", logging.ERROR, __file__, 1, "boom", (), None)
    try:
        raise ValueError("bad total")
    except ValueError:
        made.exc_info = sys.exc_info()
    line = json_log.JsonFormatter().format(made)
    assert "\n" not in line
    assert "ValueError: bad total" in json.loads(line)["exception"]


def test_values_json_cannot_hold_become_strings(json_log):
    entry = json.loads(json_log.JsonFormatter().format(record("m", path=Path("/srv"))))
    assert entry["path"] == "/srv"


async def call(app, headers=()):
    """Run one GET through the ASGI app; the messages it sent."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/orders",
        "headers": list(headers),
        "client": ("10.0.0.9", 51000),
    }
    await app(scope, receive, send)
    return sent


async def ok_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 201, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_a_request_writes_one_access_line_with_the_proxys_request_id(json_log, lines):
    sent = asyncio.run(call(json_log.AccessLog(ok_app), [(b"x-request-id", b"abc123"), (b"user-agent", b"curl")]))
    (entry,) = lines()
    assert entry["request_id"] == "abc123"
    assert entry["status"] == 201
    assert entry["method"] == "GET"
    assert entry["path"] == "/orders"
    assert entry["client"] == "10.0.0.9"
    assert entry["user_agent"] == "curl"
    assert entry["duration_ms"] >= 0
    assert entry["logger"] == "fastops.access"
    assert (b"x-request-id", b"abc123") in sent[0]["headers"]


def test_without_a_proxy_the_request_gets_a_new_id_in_the_line_and_the_answer(json_log, lines):
    sent = asyncio.run(call(json_log.AccessLog(ok_app)))
    (entry,) = lines()
    assert len(entry["request_id"]) == 32
    assert (b"x-request-id", entry["request_id"].encode()) in sent[0]["headers"]


def test_an_app_that_raises_is_logged_as_the_500_the_server_sends(json_log, lines):
    async def broken(scope, receive, send):
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        asyncio.run(call(json_log.AccessLog(broken), [(b"x-request-id", b"r1")]))
    assert [(e["request_id"], e["status"]) for e in lines()] == [("r1", 500)]


def test_lifespan_passes_through_without_a_line(json_log, lines):
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    asyncio.run(json_log.AccessLog(app)({"type": "lifespan"}, None, None))
    assert seen == ["lifespan"]
    assert lines() == []


def test_app_is_the_named_app_wrapped(json_log, monkeypatch):
    shop = types.ModuleType("shop")
    shop.api = types.SimpleNamespace(asgi=ok_app)
    monkeypatch.setitem(sys.modules, "shop", shop)
    monkeypatch.setenv("FASTOPS_ASGI_APP", "shop:api.asgi")
    assert json_log.app.app is ok_app
    with pytest.raises(AttributeError):
        json_log.other  # noqa: B018


def test_a_target_without_attribute_is_refused(json_log):
    with pytest.raises(ValueError, match="module:attribute"):
        json_log.load_app("shop")


@pytest.mark.parametrize("log_files", [False, True])
def test_the_rendered_config_sends_every_server_logger_through_the_formatter(json_log, tmp_path, log_files):
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ROLE / "templates")), autoescape=jinja2.select_autoescape(["html"])
    )
    environment.filters["to_nice_json"] = lambda value, indent=4: json.dumps(value, indent=indent)
    rendered = environment.get_template("etc/app/logging.json.j2").render(
        ansible_managed="managed", python_app_log_files=log_files, __python_app_log_dir=str(tmp_path)
    )
    config = json.loads(rendered)
    logging.config.dictConfig(config)
    try:
        for name in ("gunicorn.error", "uvicorn.error", "fastops.access", "app"):
            logger = logging.getLogger(name)
            handlers = [h for current in _chain(logger) for h in current.handlers]
            assert handlers, name
            assert all(isinstance(h.formatter, json_log.JsonFormatter) for h in handlers), name
        for name in ("gunicorn.access", "uvicorn.access"):
            assert not logging.getLogger(name).hasHandlers(), f"{name} would write a second access line"
        if log_files:
            logging.getLogger("fastops.access").info("GET / 200")
            assert json.loads((tmp_path / "access.log").read_text())["message"] == "GET / 200"
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
        for name in config["loggers"]:
            for handler in logging.getLogger(name).handlers[:]:
                handler.close()
                logging.getLogger(name).removeHandler(handler)


def _chain(logger):
    while logger:
        yield logger
        logger = logger.parent if logger.propagate else None

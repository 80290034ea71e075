"""JSON log lines for an ASGI app under gunicorn or uvicorn (installed by fastops.stack.python_app).

The logging config (/etc/<app>/logging.json) formats every record with JsonFormatter, one object
per line. The web server loads ``fastops_json_log:app``: the app named by FASTOPS_ASGI_APP,
wrapped in AccessLog, which writes one line per request with its request id, status and duration
(the servers' own access lines are switched off: they carry neither).
"""

import importlib
import json
import logging
import os
import time
import uuid
from datetime import datetime, timezone

# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
    # uvicorn repeats each message with terminal colours.
    "color_message",
}

ACCESS_LOGGER = logging.getLogger("fastops.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, extra fields, exception."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # warnings.warn() output goes through logging (py.warnings) and comes out as JSON too.
        logging.captureWarnings(True)

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _header(scope, name):
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return ""


class AccessLog:
    """ASGI middleware: one access line per HTTP request, and X-Request-ID on every answer.

    The request id is the proxy's X-Request-ID (nginx's $request_id), so the proxy's line and
    the app's line of one request share it; without a proxy a new id is made.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _header(scope, b"x-request-id") or uuid.uuid4().hex
        started = time.monotonic()
        # A request whose app raised before answering is logged as the 500 the server sends.
        status = 500

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                if not any(key.lower() == b"x-request-id" for key, _value in headers):
                    headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration_ms = round((time.monotonic() - started) * 1000, 2)
            client = scope.get("client") or ("", 0)
            ACCESS_LOGGER.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": duration_ms,
                    "client": client[0],
                    "user_agent": _header(scope, b"user-agent"),
                },
            )


def load_app(target):
    """The object `module:attribute` names (the attribute may be dotted), as the servers load it."""
    module_name, _sep, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"FASTOPS_ASGI_APP must be module:attribute, got {target!r}")
    found = importlib.import_module(module_name)
    for part in attribute.split("."):
        found = getattr(found, part)
    return found


def __getattr__(name):
    # Resolved on first use (in each worker, after the server set up logging), not at import.
    if name == "app":
        wrapped = AccessLog(load_app(os.environ.get("FASTOPS_ASGI_APP", "")))
        globals()["app"] = wrapped
        return wrapped
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

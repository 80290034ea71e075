# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP health probing shared by fastops.stack.health_check: one probe, its checks, retries.

Only the standard library is used so the module runs on any target Python 3.
"""

import datetime
import http.client
import json
import re
import socket
import ssl
import time
from urllib.parse import urlsplit

BODY_LIMIT = 4096
_MISSING = object()


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over a Unix domain socket (gunicorn, uvicorn and nginx can all listen on one)."""

    def __init__(self, socket_path, host="localhost", timeout=None):
        super().__init__(host, timeout=timeout)
        self.socket_path = socket_path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class Target:
    """Where to send the request: a URL, or a Unix socket plus a Host header and path."""

    def __init__(self, url=None, unix_socket=None, path="/", host="localhost"):
        self.unix_socket = unix_socket
        if unix_socket:
            if path and not path.startswith("/"):
                raise ValueError(f"path must start with '/', got {path!r}")
            self.scheme, self.host, self.port, self.path = "http", host, None, path or "/"
        else:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"url must be an http:// or https:// URL with a host, got {url!r}")
            self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
            self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    @property
    def label(self):
        if self.unix_socket:
            return f"unix:{self.unix_socket}:{self.path}"
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}://{self.host}{port}{self.path}"

    def connection(self, timeout, ssl_context=None):
        if self.unix_socket:
            return UnixHTTPConnection(self.unix_socket, host=self.host, timeout=timeout)
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=ssl_context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


def make_ssl_context(validate_certs=True, ca_path=None):
    context = ssl.create_default_context(cafile=ca_path)
    if not validate_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def cert_days_left(sock, now=None):
    """Days until the peer certificate expires, or None when it cannot be read."""
    not_after = None
    cert = sock.getpeercert() if hasattr(sock, "getpeercert") else None
    if cert:
        not_after = datetime.datetime.fromtimestamp(ssl.cert_time_to_seconds(cert["notAfter"]), datetime.timezone.utc)
    else:
        der = sock.getpeercert(binary_form=True) if hasattr(sock, "getpeercert") else None
        not_after = _not_after_from_der(der)
    if not_after is None:
        return None
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return round((not_after - now).total_seconds() / 86400, 2)


def _not_after_from_der(der):
    """An unverified certificate's expiry, when the optional cryptography package is there."""
    if not der:
        return None
    try:
        from cryptography import x509
    except ImportError:
        return None
    cert = x509.load_der_x509_certificate(der)
    return getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)


def dotted_get(data, path):
    """Value at a dotted path (``checks.database``, ``items.0.name``), or _MISSING."""
    current = data
    for key in path.split("."):
        if isinstance(current, dict) and key in current:
            current = current[key]
        elif isinstance(current, list) and key.isdigit() and int(key) < len(current):
            current = current[int(key)]
        else:
            return _MISSING
    return current


def evaluate(status, body_text, elapsed, expect):
    """Checks that failed for one response, as sentences a person can act on, plus parsed JSON."""
    failed = []
    if status not in expect.get("status_code", [200]):
        failed.append(f"status {status}")
    parsed = None
    try:
        parsed = json.loads(body_text) if body_text else None
    except ValueError:
        parsed = None
    expectations = expect.get("json")
    if expectations is None:
        expectations = {}
    if not isinstance(expectations, dict):
        # A whole document (a bare `true`, a list): the body must be exactly that JSON.
        if parsed is None and (body_text or "").strip() != "null":
            failed.append(f"body is not JSON, expected {expectations!r}")
        elif parsed != expectations or isinstance(parsed, bool) != isinstance(expectations, bool):
            failed.append(f"body: expected {expectations!r}, got {parsed!r}")
    elif expectations and not isinstance(parsed, (dict, list)):
        failed.append("body is not JSON")
    elif expectations:
        for path, wanted in expectations.items():
            got = dotted_get(parsed, path)
            if got is _MISSING:
                failed.append(f"{path}: expected {wanted!r}, missing")
            elif got != wanted and str(got) != str(wanted):
                failed.append(f"{path}: expected {wanted!r}, got {got!r}")
    pattern = expect.get("body_regex")
    if pattern and not re.search(pattern, body_text or ""):
        failed.append(f"body does not match {pattern!r}")
    budget = expect.get("max_elapsed")
    if budget is not None and elapsed > budget:
        failed.append(f"took {elapsed:.3f}s, over the {budget}s budget")
    return failed, parsed


def probe(target, request, expect, timeout, ssl_context=None):
    """One request. Returns a dict with status, elapsed, body, json, cert_days_left, failed_checks."""
    result = {"status": None, "elapsed": None, "body": None, "json": None, "cert_days_left": None}
    conn = target.connection(timeout, ssl_context)
    start = time.monotonic()
    try:
        conn.request(
            request.get("method", "GET"), target.path, body=request.get("body"), headers=request.get("headers") or {}
        )
        if target.scheme == "https" and conn.sock is not None:
            result["cert_days_left"] = cert_days_left(conn.sock)
        response = conn.getresponse()
        raw = response.read()
        result["elapsed"] = round(time.monotonic() - start, 4)
        result["status"] = response.status
    except (socket.timeout, TimeoutError):
        result["elapsed"] = round(time.monotonic() - start, 4)
        result["failed_checks"] = [f"timed out after {timeout:g}s"]
        return result
    except ssl.SSLError as exc:
        result["elapsed"] = round(time.monotonic() - start, 4)
        result["failed_checks"] = [f"TLS error: {getattr(exc, 'reason', None) or exc}"]
        return result
    except ConnectionRefusedError:
        result["elapsed"] = round(time.monotonic() - start, 4)
        result["failed_checks"] = ["connection refused"]
        return result
    except (OSError, http.client.HTTPException) as exc:
        result["elapsed"] = round(time.monotonic() - start, 4)
        result["failed_checks"] = [f"connection failed: {exc}"]
        return result
    finally:
        conn.close()

    text = raw.decode("utf-8", errors="replace")
    failed, parsed = evaluate(result["status"], text, result["elapsed"], expect)
    min_days = expect.get("min_cert_days")
    if min_days is not None and target.scheme == "https":
        days = result["cert_days_left"]
        if days is None:
            failed.append("certificate expiry unknown (install python3-cryptography or validate certificates)")
        elif days < min_days:
            failed.append(f"certificate expires in {days:.1f} days, fewer than {min_days}")
    result.update(body=text[:BODY_LIMIT], json=parsed, failed_checks=failed)
    return result


def probe_until_healthy(run_probe, retries=0, delay=1.0, backoff=1.0, sleep=time.sleep, give_up=None):
    """Call run_probe() up to retries + 1 times until it has no failed checks.

    give_up, when given, is asked before each attempt for reasons to stop waiting (a crashed
    server will not become healthy by retrying); its reasons end the retries at once and are
    added to the failed checks.
    Returns (last result, attempts, seconds spent in total).
    """
    start = time.monotonic()
    attempts = 0
    wait = delay
    result = {"status": None, "elapsed": None, "body": None, "json": None, "cert_days_left": None}
    while True:
        reasons = give_up() if give_up else []
        if reasons:
            result["failed_checks"] = list(result.get("failed_checks") or []) + list(reasons)
            return result, attempts, round(time.monotonic() - start, 3)
        attempts += 1
        result = run_probe()
        if not result["failed_checks"] or attempts > retries:
            return result, attempts, round(time.monotonic() - start, 3)
        sleep(wait)
        wait *= backoff

"""health_check against real servers on loopback and on a Unix socket."""

import datetime
import json
import socket
import socketserver
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ansible_collections.fastops.stack.plugins.modules import health_check

HEALTHY = {"status": "healthy", "checks": {"database": "ok", "redis": "ok"}}
DOWN = {"status": "unhealthy", "checks": {"database": "down", "redis": "ok"}}


class Handler(BaseHTTPRequestHandler):
    flaky_failures = 0  # set per server through the class attribute copy below

    def log_message(self, *args):
        pass

    def address_string(self):
        return "test-client"

    def _send(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self._send(200, HEALTHY)
        elif self.path == "/down":
            self._send(503, DOWN)
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, HEALTHY)
        elif self.path == "/text":
            self._send(200, b"<html>ok</html>", "text/html")
        elif self.path == "/flaky":
            state = self.server.state
            state["calls"] += 1
            if state["calls"] <= state["fail_first"]:
                self._send(503, DOWN)
            else:
                self._send(200, HEALTHY)
        elif self.path == "/true":
            self._send(200, True)
        elif self.path == "/host":
            self._send(200, {"host": self.headers.get("Host")})
        else:
            self._send(404, {"detail": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        payload = json.loads(self.rfile.read(length) or b"null")
        self._send(200, {"echo": payload, "content_type": self.headers.get("Content-Type")})


def serve(server):
    server.state = {"calls": 0, "fail_first": 2}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture
def http_server():
    server = serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def base_url(http_server):
    return f"http://127.0.0.1:{http_server.server_address[1]}"


class UnixHTTPServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


@pytest.fixture
def unix_server(tmp_path):
    path = str(tmp_path / "app.sock")
    server = serve(UnixHTTPServer(path, Handler))
    yield path
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def test_pki(tmp_path_factory):
    """A throw-away CA and a localhost certificate valid for 30 days."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory = tmp_path_factory.mktemp("pki")
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fastops test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = directory / "ca.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path = directory / "cert.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path = directory / "key.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return {"ca": str(ca_path), "cert": str(cert_path), "key": str(key_path)}


@pytest.fixture
def https_url(test_pki):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(test_pki["cert"], test_pki["key"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    serve(server)
    yield f"https://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_healthy_endpoint_passes_with_json_expectations(run_module, base_url):
    result = run_module(
        health_check.main,
        {"url": base_url + "/health", "json": {"status": "healthy", "checks.database": "ok"}},
    )
    assert result["rc"] == 0, result
    assert result["changed"] is False
    assert result["status"] == 200
    assert result["attempts"] == 1
    assert result["json"] == HEALTHY
    assert result["failed_checks"] == []
    assert 0 <= result["elapsed"] < 1


def test_unhealthy_component_is_named(run_module, base_url):
    result = run_module(
        health_check.main,
        {"url": base_url + "/down", "json": {"checks.database": "ok", "checks.redis": "ok"}},
    )
    assert result["rc"] == 1
    assert result["failed_checks"] == ["status 503", "checks.database: expected 'ok', got 'down'"]
    assert result["msg"].startswith(base_url + "/down unhealthy after 1 attempt in ")
    assert "status 503; checks.database: expected 'ok', got 'down'" in result["msg"]


def test_missing_json_key_is_reported(run_module, base_url):
    result = run_module(health_check.main, {"url": base_url + "/health", "json": {"checks.celery": "ok"}})
    assert result["failed_checks"] == ["checks.celery: expected 'ok', missing"]


def test_slow_response_over_budget_fails(run_module, base_url):
    result = run_module(health_check.main, {"url": base_url + "/slow", "max_elapsed": 0.5})
    assert result["rc"] == 1
    assert result["status"] == 200
    assert result["failed_checks"][0].startswith("took 1.")
    assert "over the 0.5s budget" in result["failed_checks"][0]


def test_timeout_is_reported(run_module, base_url):
    result = run_module(health_check.main, {"url": base_url + "/slow", "timeout": 0.3})
    assert result["rc"] == 1
    assert result["status"] is None
    assert result["failed_checks"] == ["timed out after 0.3s"]


def test_connection_refused_is_reported(run_module):
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    result = run_module(health_check.main, {"url": f"http://127.0.0.1:{port}/health", "retries": 1, "delay": 0.05})
    assert result["rc"] == 1
    assert result["attempts"] == 2
    assert result["failed_checks"] == ["connection refused"]
    assert "unhealthy after 2 attempts" in result["msg"]


def test_body_that_is_not_json_fails_json_expectations(run_module, base_url):
    result = run_module(health_check.main, {"url": base_url + "/text", "json": {"status": "healthy"}})
    assert result["failed_checks"] == ["body is not JSON"]
    assert result["json"] is None
    assert result["body"] == "<html>ok</html>"


def test_body_regex(run_module, base_url):
    assert run_module(health_check.main, {"url": base_url + "/text", "body_regex": "ok<"})["rc"] == 0
    result = run_module(health_check.main, {"url": base_url + "/text", "body_regex": "healthy"})
    assert result["failed_checks"] == ["body does not match 'healthy'"]


def test_becomes_healthy_after_retries_with_backoff(run_module, base_url, http_server):
    started = time.monotonic()
    result = run_module(
        health_check.main,
        {"url": base_url + "/flaky", "retries": 5, "delay": 0.1, "backoff": 2, "json": {"status": "healthy"}},
    )
    assert result["rc"] == 0, result
    assert result["attempts"] == 3
    assert http_server.state["calls"] == 3
    # waits of 0.1 s then 0.2 s: back-off applied
    assert time.monotonic() - started >= 0.3
    assert result["total_elapsed"] >= 0.3


def test_gives_up_after_the_last_retry(run_module, base_url, http_server):
    http_server.state["fail_first"] = 10
    result = run_module(health_check.main, {"url": base_url + "/flaky", "retries": 2, "delay": 0.01})
    assert result["rc"] == 1
    assert result["attempts"] == 3
    assert http_server.state["calls"] == 3


def test_unix_socket_with_host_header(run_module, unix_server):
    result = run_module(health_check.main, {"unix_socket": unix_server, "path": "/host", "host": "api.example.com"})
    assert result["rc"] == 0, result
    assert result["json"] == {"host": "api.example.com"}
    assert result["url"] == f"unix:{unix_server}:/host"


def test_missing_unix_socket_is_reported(run_module, tmp_path):
    result = run_module(health_check.main, {"unix_socket": str(tmp_path / "absent.sock")})
    assert result["rc"] == 1
    assert result["failed_checks"][0].startswith("connection failed:")


def test_json_body_is_posted(run_module, base_url):
    result = run_module(health_check.main, {"url": base_url + "/echo", "method": "POST", "body": {"ping": 1}})
    assert result["json"] == {"echo": {"ping": 1}, "content_type": "application/json"}


def test_https_with_test_ca_reports_certificate_lifetime(run_module, https_url, test_pki):
    result = run_module(health_check.main, {"url": https_url + "/health", "ca_path": test_pki["ca"]})
    assert result["rc"] == 0, result
    assert 29 < result["cert_days_left"] <= 30


def test_https_certificate_expiring_too_soon_fails(run_module, https_url, test_pki):
    result = run_module(
        health_check.main, {"url": https_url + "/health", "ca_path": test_pki["ca"], "min_cert_days": 60}
    )
    assert result["rc"] == 1
    assert result["failed_checks"][0].startswith("certificate expires in ")
    assert result["failed_checks"][0].endswith("fewer than 60")


def test_https_untrusted_certificate_fails_verification(run_module, https_url):
    result = run_module(health_check.main, {"url": https_url + "/health"})
    assert result["rc"] == 1
    assert result["failed_checks"][0].startswith("TLS error:")


def test_https_without_verification_still_reads_lifetime(run_module, https_url):
    result = run_module(health_check.main, {"url": https_url + "/health", "validate_certs": False})
    assert result["rc"] == 0, result
    assert 29 < result["cert_days_left"] <= 30


def test_works_in_check_mode(run_module, base_url):
    result = run_module(health_check.main, {"url": base_url + "/health"}, check_mode=True)
    assert result["rc"] == 0
    assert result["changed"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"url": "ftp://example.com/"}, "url must be an http:// or https:// URL"),
        ({"url": "http://x/", "timeout": 0}, "timeout must be greater than 0"),
        ({"url": "http://x/", "retries": -1}, "retries must be 0 or more"),
        ({"url": "http://x/", "backoff": 0.5}, "backoff must be 1 or more"),
        ({"url": "http://x/", "unix_socket": "/tmp/x.sock"}, "mutually exclusive"),
        ({}, "one of the following is required: url, unix_socket"),
        ({"unix_socket": "/run/app/web.sock", "path": "health"}, "path must start with '/', got 'health'"),
    ],
)
def test_bad_parameters_fail_with_the_parameter_named(run_module, args, message):
    result = run_module(health_check.main, args)
    assert result["rc"] == 1
    assert message in result["msg"]


def test_bare_json_document_is_compared_whole(run_module, http_server, base_url):
    healthy = run_module(health_check.main, {"url": base_url + "/health", "json": HEALTHY})
    assert healthy["rc"] == 0, healthy
    wrong = run_module(health_check.main, {"url": base_url + "/health", "json": True})
    assert wrong["rc"] == 1
    assert "body: expected True, got {" in wrong["msg"]


def test_bare_true_passes_json_true(run_module, unix_server):
    result = run_module(health_check.main, {"unix_socket": unix_server, "path": "/true", "json": True})
    assert result["rc"] == 0, result
    assert result["json"] is True


def test_crashed_unit_ends_the_retries_with_its_journal(run_module, tmp_path, fake_systemd):
    fake_systemd(
        "app-web.service",
        journal=["app-web.service: Failed to execute /srv/app/current/.venv/bin/gunicorn: No such file or directory"],
        ActiveState="activating",
        SubState="auto-restart",
        Result="exit-code",
        ExecMainCode="1",
        ExecMainStatus="203",
    )
    start = time.monotonic()
    result = run_module(
        health_check.main,
        {"unix_socket": str(tmp_path / "none.sock"), "retries": 10, "delay": 1, "watch_units": ["app-web.service"]},
    )
    assert time.monotonic() - start < 5
    assert result["rc"] == 1
    assert "app-web.service restarting after a crash (exit-code, exit 203/EXEC)" in result["msg"]
    assert "Failed to execute /srv/app/current/.venv/bin/gunicorn" in result["msg"]
    assert result["units"][0]["unit"] == "app-web.service"


def test_running_unit_lets_the_retries_go_on(run_module, base_url, http_server, fake_systemd):
    fake_systemd("app-web.service")
    result = run_module(
        health_check.main,
        {
            "url": base_url + "/flaky",
            "json": {"status": "healthy"},
            "retries": 3,
            "delay": 0.05,
            "watch_units": ["app-web.service"],
        },
    )
    assert result["rc"] == 0, result
    assert result["attempts"] == 3
    assert result["units"] == []

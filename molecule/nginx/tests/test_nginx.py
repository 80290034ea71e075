"""Verify the nginx and letsencrypt roles: a real ACME certificate from Pebble, the proxy,
TLS quality by sslyze and testssl.sh, tested reloads and maintenance mode."""

import json
import os
import re
import subprocess
import sys
import time

import pytest
from polling import evidence

APP = "app.fastops.test"
ROOT = "/etc/pebble/issuing-root.pem"
CURL = f"curl -sS --max-time 10 --cacert {ROOT}"


def https(host, path, options=""):
    """Status, headers and body of an HTTPS request to the app site, trusting Pebble's root only."""
    out = host.check_output(f"{CURL} -D - {options} https://{APP}{path}")
    parts = out.replace("\r\n", "\n").partition("\n\n")
    head, body = parts[0], parts[2]
    lines = head.splitlines()
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.fixture(scope="module")
def container_ip(host):
    name = host.check_output("hostname")
    return subprocess.check_output(
        ["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name], text=True
    ).strip()


def test_certificate_chain_verifies_against_pebble_root_only(host):
    out = host.run(
        f"echo | openssl s_client -connect 127.0.0.1:443 -servername {APP} -CAfile {ROOT}"
        f" -verify_hostname {APP} -verify_return_error 2>&1"
    ).stdout
    assert "Verify return code: 0 (ok)" in out, out
    # The system trust store does not know Pebble: the chain is Pebble's, not a fallback.
    assert host.run(f"curl -sS --max-time 10 https://{APP}/health").rc != 0


def test_certificate_names_key_and_lifetime(host):
    text = host.check_output("openssl x509 -noout -text -in /etc/letsencrypt/live/app/cert.pem")
    assert "DNS:app.fastops.test" in text
    assert "DNS:www.app.fastops.test" in text
    assert "id-ecPublicKey" in text
    # Pebble issues for 90 days here, as Let's Encrypt does: valid beyond 88 days, not beyond 91.
    check = "openssl x509 -noout -in /etc/letsencrypt/live/app/cert.pem -checkend"
    assert host.run(f"{check} {88 * 86400}").rc == 0
    assert host.run(f"{check} {91 * 86400}").rc == 1


def test_forced_renewal_is_served_without_restart(host):
    seen = evidence(host, "renewal")
    serial_before, pid_before = seen["before"]
    serial_after, pid_after = seen["after"]
    assert serial_before.startswith("serial=")
    assert serial_after != serial_before
    assert pid_after == pid_before


def test_renewal_timer_and_reload_hook(host):
    assert host.service("certbot.timer").is_enabled
    assert host.service("certbot.timer").is_running
    hook = host.file("/etc/letsencrypt/renewal-hooks/deploy/fastops-reload-services")
    assert hook.mode == 0o755
    assert "systemctl reload nginx" in hook.content_string
    dropin = host.file("/etc/systemd/system/certbot.service.d/fastops-ca-bundle.conf").content_string
    assert "REQUESTS_CA_BUNDLE=/etc/pebble/test-ca.pem" in dropin


def test_app_is_proxied_with_forwarded_headers(host):
    status, headers, body = https(host, "/anything")
    seen = json.loads(body)["headers"]
    assert status == 200
    assert seen["host"] == APP
    assert seen["x-forwarded-proto"] == "https"
    assert seen["x-real-ip"] == "127.0.0.1"
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert "x-request-id" in seen
    assert "server" in headers
    assert headers["server"] == "nginx"


def test_security_headers(host):
    headers = https(host, "/health")[1]
    assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains; preload"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_http_redirects_to_https(host):
    out = host.check_output(f"curl -sS -o /dev/null -w '%{{http_code}} %{{redirect_url}}' http://{APP}/path?q=1")
    assert out == f"301 https://{APP}/path?q=1"


def test_http2_is_offered(host):
    assert host.check_output(f"{CURL} -o /dev/null -w '%{{http_version}}' --http2 https://{APP}/health") == "2"


def test_websocket_echo_round_trips(host):
    script = f"""
import asyncio, ssl, websockets
async def main():
    context = ssl.create_default_context(cafile="{ROOT}")
    async with websockets.connect("wss://{APP}/ws", ssl=context) as ws:
        await ws.send("ping")
        print(await ws.recv())
asyncio.run(main())
"""
    assert host.check_output(f"python3 -c '{script}'") == "echo: ping"


def test_static_file_has_cache_headers(host):
    status, headers, body = https(host, "/static/app.css")
    assert status == 200
    assert "color" in body
    assert headers["cache-control"] == "max-age=2592000"
    assert "expires" in headers


def test_rate_limited_location_answers_429(host):
    start = time.monotonic()
    codes = host.check_output(
        f"for i in $(seq 30); do {CURL} -o /dev/null -w '%{{http_code}}\\n' https://{APP}/api/items; done"
    ).split()
    elapsed = time.monotonic() - start
    # rate 10r/s with burst 9: ten at once, then one more per 100 ms.
    assert codes[:10] == ["200"] * 10, codes
    assert "429" in codes, codes
    assert codes.count("200") <= 10 + int(elapsed * 10) + 1, codes


def test_tls_protocols(host):
    old = host.run(f"echo | openssl s_client -connect 127.0.0.1:443 -servername {APP} -tls1_1 2>&1")
    assert old.rc != 0
    assert host.run(f"echo | openssl s_client -connect 127.0.0.1:443 -servername {APP} -tls1_3 2>&1").rc == 0


def test_post_quantum_group_where_openssl_has_it(host):
    version = re.search(r"OpenSSL (\d+)\.(\d+)", host.check_output("openssl version"))
    hybrid = (int(version.group(1)), int(version.group(2))) >= (3, 5)
    conf = host.file("/etc/nginx/nginx.conf").content_string
    assert ("X25519MLKEM768" in conf) == hybrid
    if hybrid:
        out = host.run(f"echo | openssl s_client -connect 127.0.0.1:443 -servername {APP} -groups X25519MLKEM768 2>&1")
        assert out.rc == 0, out.stdout


def test_unknown_host_names_are_refused(host):
    assert host.run("curl -sS --max-time 5 -H 'Host: other.example' http://127.0.0.1/").rc != 0
    refused = host.run("echo | openssl s_client -connect 127.0.0.1:443 -servername other.example 2>&1")
    assert refused.rc != 0


def test_second_site_balances_over_its_pool(host):
    seen = {
        json.loads(host.check_output("curl -sSk --max-time 5 https://admin.fastops.test/"))["instance"]
        for attempt in range(6)
    }
    assert seen == {"standin-9001", "standin-9002"}


def test_self_signed_certificate_is_labelled(host):
    subject = host.check_output("openssl x509 -noout -subject -in /etc/ssl/fastops-selfsigned/admin/fullchain.pem")
    assert "not trusted" in subject
    assert "SELF-SIGNED" in host.file("/etc/nginx/sites-enabled/fastops-admin.conf").content_string


def test_upstream_keepalive_stays_below_the_app_server(host):
    conf = host.file("/etc/nginx/sites-enabled/fastops-app.conf").content_string
    assert re.search(r"keepalive_timeout 4(\.0)?s;", conf)


def test_stub_status_on_loopback_only(host):
    assert "Active connections" in host.check_output("curl -sS http://127.0.0.1:8089/stub_status")
    listeners = host.check_output("ss -Hltn 'sport = :8089'")
    assert listeners
    assert all("127.0.0.1:8089" in line for line in listeners.splitlines())


def test_maintenance_mode_keeps_health_and_acme(host):
    flag = "/var/lib/fastops-nginx/maintenance/app"
    host.check_output(f"touch {flag}")
    try:
        status, headers, body = https(host, "/anything")
        health = https(host, "/health")[0]
        acme = host.run(f"curl -sS -o /dev/null -w '%{{http_code}}' http://{APP}/.well-known/acme-challenge/none")
    finally:
        host.check_output(f"rm -f {flag}")
    assert status == 503
    assert headers["retry-after"] == "120"
    assert "maintenance" in body
    assert headers["strict-transport-security"].startswith("max-age=")
    assert health == 200
    assert acme.stdout == "404"  # served from the webroot (a missing file), not the 503 page
    assert https(host, "/anything")[0] == 200


def test_broken_snippet_failed_at_nginx_t_and_files_were_restored(host):
    message = evidence(host, "broken-snippet")["message"]
    assert "nginx -t rejected" in message
    assert "fastops_no_such_directive" in message
    assert "fastops_no_such_directive" not in host.file("/etc/nginx/sites-enabled/fastops-app.conf").content_string
    # The side effect restarted nginx after the failure: it came back with the restored files.
    assert host.service("nginx").is_running
    assert https(host, "/health")[0] == 200


def test_unresolvable_name_fails_clearly_and_http_keeps_serving(host):
    seen = evidence(host, "unresolvable")
    assert "pending.fastops.test" in seen["message"]
    assert "does not resolve" in seen["message"]
    assert seen["http_status"] == 200


def test_removed_sites_leave_the_host(host):
    assert not host.file("/etc/nginx/sites-enabled/fastops-retired.conf").exists
    assert not host.file("/etc/nginx/sites-enabled/fastops-pending.conf").exists
    assert not host.file("/etc/nginx/sites-enabled/default").exists
    assert not host.file("/var/lib/fastops-nginx/last-good/etc%nginx%sites-enabled%fastops-retired.conf").exists


def test_sslyze_finds_the_mozilla_intermediate_profile(host, container_ip, tmp_path):
    root = tmp_path / "pebble-root.pem"
    root.write_text(host.file(ROOT).content_string)
    sslyze = os.path.join(os.path.dirname(sys.executable), "sslyze")
    result = subprocess.run(
        [sslyze, "--mozilla_config=intermediate", f"--certinfo_ca_file={root}", f"{APP}:443{{{container_ip}}}"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    print(result.stdout[-3000:])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"{APP}:443: OK - Compliant." in result.stdout
    assert "Supplied CA file CA Store (N/A):   OK - Certificate is trusted" in result.stdout


# Pebble's certificates carry neither a CRL nor an OCSP URL (Let's Encrypt's carry a CRL URL):
# that finding is about the test CA, not about the server.
TEST_CA_FINDINGS = ["NOT ok -- neither CRL nor OCSP URI provided"]


def test_testssl_finds_nothing_vulnerable(host):
    result = host.run(f"testssl --quiet --color 0 --warnings off --add-ca {ROOT} --ip 127.0.0.1 https://{APP}/")
    print(result.stdout)
    assert "Done " in result.stdout, result.stdout[-2000:]
    findings = [line.strip() for line in result.stdout.splitlines() if "VULNERABLE" in line or "NOT ok" in line]
    assert [line for line in findings if line not in TEST_CA_FINDINGS] == []
    assert "Chain of trust               Ok" in result.stdout


def test_maintenance_entry_point_switches_chosen_sites(host):
    seen = evidence(host, "maintenance-playbook")
    assert seen["during"] == [503, 200]
    assert seen["after"] == 200

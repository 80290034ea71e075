"""Values of the right type but the wrong shape stop at validation, naming the variable (issue
classes: ports and addresses, CIDR sources and timezones, bounded numbers, names that end up in
files or units, paths). No secret value appears in a message."""

import pytest

APP = {"python_app_name": "shop", "python_app_source": {"type": "dir", "path": "/tmp"}, "python_app_module": "a:app"}
SITE = {"name": "api", "server_names": ["api.example.com"], "upstream_servers": ["unix:/run/app/web.sock"]}


def site(**changes):
    return {"nginx_sites": [dict(SITE, **changes)]}


CASES = [
    # Ports out of range, addresses that are not addresses.
    ("base", {"base_firewall_allow": [{"port": "22"}, {"port": "70000"}]}, "base_firewall_allow: every port", "port"),
    ("postgresql", {"postgresql_listen_addresses": ["10.0.0.5 10.0.0.6"]}, "postgresql_listen_addresses", "address"),
    ("redis", {"redis_bind": ["localhost"]}, "redis_bind: needs IP addresses", "address"),
    ("redis", {"redis_port": 65536}, "redis_port: must be a port number", "port"),
    ("python_app", dict(APP, python_app_web_tcp="8000"), "python_app_web_tcp: must be address:port", "address"),
    ("python_app", dict(APP, python_app_web_tcp="127.0.0.1:99999"), "python_app_web_tcp", "port"),
    ("nginx", {"nginx_stub_status_listen": "8089"}, "nginx_stub_status_listen: must be address:port", "address"),
    ("nginx", site(upstream_servers=["app1"]), "upstream_servers must be host:port or unix:/path", "address"),
    ("nginx", site(https_redirect_port=0), "https_redirect_port must be a port number", "port"),
    ("monitoring", {"monitoring_listen_address": "localhost"}, "monitoring_listen_address: must be an IP", "address"),
    ("monitoring", {"monitoring_prometheus_port": 70000}, "every monitoring_*_port must be a port number", "port"),
    # CIDR sources, timezones.
    ("base", {"base_firewall_allow": [{"port": "22", "src": "10.0.0.300/8"}]}, "every src must be any", "cidr"),
    ("base", {"base_firewall_allow": [{"port": "22", "src": "office"}]}, "every src must be any", "cidr"),
    ("nginx", {"nginx_stub_status_allow": ["monitoring host"]}, "nginx_stub_status_allow: must be addresses", "cidr"),
    ("base", {"base_timezone": "Mars/Olympus_Mons"}, "base_timezone: 'Mars/Olympus_Mons' is not in", "timezone"),
    ("base", {"base_timezone": "Europe/ Berlin"}, "base_timezone: must be a tz database name", "timezone"),
    # Numbers that must be positive or bounded.
    ("python_app", dict(APP, python_app_web_timeout=0), "python_app_web_timeout", "number"),
    ("postgresql", {"postgresql_max_connections": 0}, "postgresql_max_connections: must be from 1", "number"),
    ("redis", {"redis_maxmemory_mb": -1}, "redis_maxmemory_mb", "number"),
    ("monitoring", {"monitoring_alert_cpu_percent": 150}, "monitoring_alert_cpu_percent", "number"),
    ("monitoring", {"monitoring_alert_http_5xx_ratio": 5}, "monitoring_alert_pg_connections_ratio", "number"),
    ("monitoring", {"monitoring_probe_timeout": 0}, "monitoring_probe_timeout must", "number"),
    ("nginx", {"nginx_worker_connections": 0}, "nginx_worker_connections: must be 1 or more", "number"),
    # Names that end up in files or units.
    ("python_app", dict(APP, python_app_env={"LOG LEVEL": "info"}), "python_app_env: names must be", "name"),
    ("python_app", dict(APP, python_app_secrets={"API KEY": "hunter2-x"}), "['API KEY']", "name"),
    ("python_app", dict(APP, python_app_env_name="prod eu"), "python_app_env_name: must be a word", "name"),
    ("nginx", site(server_names=["api example.com"]), "server_names must be host names", "name"),
    ("redis", {"redis_client_groups": ["app servers"]}, "redis_client_groups: must be inventory group names", "name"),
    # Paths.
    ("python_app", dict(APP, python_app_subdir="../etc"), "python_app_subdir: must be a path inside", "path"),
    ("python_app", dict(APP, python_app_static_dirs=["/srv/static"]), "python_app_static_dirs", "path"),
    ("python_app", dict(APP, python_app_health_path="health"), "python_app_health_path: must be a URL path", "path"),
    ("python_app", dict(APP, python_app_hooks_post_switch=[" "]), "empty ones in python_app_hooks_post", "path"),
    ("nginx", site(health_path="health"), "health_path, metrics_path and the paths", "path"),
    ("nginx", site(rate_limits=[{"path": "api/", "zone": "api"}]), "health_path, metrics_path and the paths", "path"),
    ("python_app", dict(APP, python_app_switch_tasks="tasks/pool.yml"), "python_app_switch_tasks: must be", "path"),
    ("python_app", dict(APP, python_app_release_time="2026-12-02"), "python_app_release_time: must be a UTC", "name"),
    ("postgresql", {"postgresql_max_slot_wal_keep_size": "lots"}, "postgresql_max_slot_wal_keep_size", "number"),
    ("postgresql", {"fastops_postgresql_primary": "db9"}, "postgresql_primary_host: must be a host", "name"),
    # Checks on the host, before any change.
    ("python_app", dict(APP, python_app_python="python9.9"), "python_app_python: 'python9.9' does not run", "host"),
]


@pytest.mark.parametrize(
    ("role", "role_vars", "message"),
    [case[:3] for case in CASES],
    ids=[f"{case[3]}-{case[0]}-{index}" for index, case in enumerate(CASES)],
)
def test_bad_shape_fails_at_validation(assert_rejected, role, role_vars, message):
    assert_rejected(role, role_vars, message)


def test_a_secret_name_is_shown_but_never_its_value(run_role):
    result = run_role("python_app", dict(APP, python_app_secrets={"API KEY": "hunter2-secret-value"}))
    assert result.failed_at_validation, result.output
    assert "hunter2-secret-value" not in result.output


def test_a_malformed_redis_url_is_refused_without_showing_it(run_role):
    result = run_role("python_app", dict(APP, python_app_redis_url="redis//app:hunter2-in-url@10.0.0.5:6379/0"))
    assert result.failed_at_validation, result.output
    assert "python_app_redis_url: must be a redis://" in result.output
    assert "hunter2-in-url" not in result.output

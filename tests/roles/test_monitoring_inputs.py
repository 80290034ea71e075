"""Bad input to fastops.stack.monitoring fails at validation, naming the variable."""

import pytest

EMAIL = {
    "monitoring_alertmanager_email_smarthost": "smtp.example.com:587",
    "monitoring_alertmanager_email_from": "alerts@example.com",
    "monitoring_alertmanager_email_to": ["ops@example.com"],
}


@pytest.mark.parametrize(
    ("role_vars", "message"),
    [
        pytest.param(
            {"monitoring_alert_rules_disabled": ["HostDiskFul"]},
            "monitoring_alert_rules_disabled: names no rule has: ['HostDiskFul']",
            id="disable-unknown-rule",
        ),
        pytest.param(
            {"monitoring_alert_rules": [{"name": "OrdersStuck", "summary": "stuck"}]},
            "monitoring_alert_rules: new rules need expr and summary; missing in ['OrdersStuck']",
            id="new-rule-without-expr",
        ),
        pytest.param(
            {"monitoring_alert_rules": [{"name": "orders-stuck", "expr": "up == 0", "summary": "x"}]},
            "monitoring_alert_rules: names must be unique",
            id="rule-name-with-dash",
        ),
        pytest.param(
            {"monitoring_alert_rules": [{"name": "RedisDown", "severity": "page"}]},
            "severity",
            id="unknown-severity",
        ),
        pytest.param(
            dict(EMAIL, monitoring_alertmanager_email_smarthost="smtp.example.com"),
            "monitoring_alertmanager_email_smarthost: must be host:port",
            id="smarthost-without-port",
        ),
        pytest.param(
            dict(EMAIL, monitoring_alertmanager_email_to=[]),
            "monitoring_alertmanager_email_to: email needs",
            id="email-without-recipient",
        ),
        pytest.param(
            {"monitoring_probe_urls": ["ftp://shop.example.com/"]},
            "monitoring_probe_urls: must be http:// or https:// URLs",
            id="probe-not-http",
        ),
        pytest.param(
            {"monitoring_redis_queue_keys": ["celery"]},
            'monitoring_redis_queue_keys: entries are "db<N>=<key>"',
            id="queue-key-without-db",
        ),
        pytest.param(
            {"monitoring_postgres_exporter_group": "all"},
            "monitoring_postgres_exporter_password: is required on hosts of the 'all' group",
            id="postgres-exporter-without-password",
        ),
        pytest.param(
            {"monitoring_redis_exporter_group": "all"},
            "monitoring_redis_exporter_password: is required",
            id="redis-exporter-without-password",
        ),
        pytest.param(
            # With the server elsewhere this host listens on its private address, which it states.
            {"monitoring_server_host": "prometheus-1", "fastops_private_address": "10.0.0.5"},
            "monitoring_server_host: must be a host of the inventory, got 'prometheus-1'",
            id="unknown-server-host",
        ),
        pytest.param(
            {"monitoring_alertmanager_webhook_url": "hooks.example.com/alerts"},
            "monitoring_alertmanager_webhook_url: must be an http:// or https:// URL",
            id="webhook-without-scheme",
        ),
    ],
)
def test_bad_input_fails_at_validation(assert_rejected, role_vars, message):
    assert_rejected("monitoring", role_vars, message)


def test_smtp_password_never_reaches_the_output(run_role):
    role_vars = dict(
        EMAIL,
        monitoring_alertmanager_email_auth_username="alerts",
        monitoring_alertmanager_email_auth_password="hunter2-smtp",
        monitoring_alertmanager_email_smarthost="no-port",
    )
    result = run_role("monitoring", role_vars)
    assert result.failed_at_validation, result.output
    assert "hunter2-smtp" not in result.output

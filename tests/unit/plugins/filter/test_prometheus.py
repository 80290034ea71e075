"""The Prometheus filters build the monitoring role's scrape jobs, app targets, probe URLs and
alert rules from the inventory alone."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.fastops.stack.plugins.filter.prometheus import (
    prometheus_alerts,
    prometheus_app_targets,
    prometheus_probe_urls,
    prometheus_rules,
    prometheus_scrape_jobs,
    prometheus_unready_exporters,
)

SITES = [
    {"name": "api", "server_names": ["api.example.com", "www.example.com"]},
    {"name": "plain", "server_names": ["plain.example.com"], "certificate": "none", "health_path": "/ready"},
    {"name": "quiet", "server_names": ["quiet.example.com"], "metrics_path": "", "health_path": None},
]
HOSTVARS = {
    "lb1": {"fastops_private_address": "10.0.0.10", "nginx_sites": SITES},
    "lb2": {
        "fastops_private_address": "10.0.0.11",
        "nginx_sites": SITES[:1],
        "nginx_stub_status_listen": "127.0.0.1:9",
    },
    "app1": {"fastops_private_address": "10.0.0.21", "python_app_name": "shop"},
    "app2": {"fastops_private_address": "10.0.0.22", "monitoring_listen_address": "192.168.9.9"},
    "mon1": {"fastops_private_address": "10.0.0.30"},
}
GROUPS = {"web": ["lb1", "lb2"], "app": ["app1", "app2"], "monitoring": ["mon1"], "redis": []}


def test_each_exporter_with_hosts_is_a_job_with_the_address_prometheus_reaches():
    exporters = [{"job": "node", "group": "all_hosts", "port": 9100}, {"job": "redis", "group": "redis", "port": 9121}]
    groups = {**GROUPS, "all_hosts": ["app1", "app2", "mon1"]}
    assert prometheus_scrape_jobs(exporters, groups, HOSTVARS, "mon1") == [
        {
            "job_name": "node",
            "static_configs": [
                {"targets": ["10.0.0.21:9100"], "labels": {"instance": "app1"}},
                {"targets": ["192.168.9.9:9100"], "labels": {"instance": "app2"}},
                {"targets": ["127.0.0.1:9100"], "labels": {"instance": "mon1"}},
            ],
        }
    ]


def test_app_hosts_with_their_own_listener_are_scraped_directly_then_the_extra_targets():
    hostvars = {**HOSTVARS, "app1": {**HOSTVARS["app1"], "python_app_web_tcp": "10.0.0.21:8000"}}
    extras = [{"target": "10.9.0.1:9000"}, {"target": "10.9.0.2:9000", "instance": "batch", "metrics_path": "/m"}]
    assert prometheus_app_targets(GROUPS, hostvars, "web", extras) == [
        {"targets": ["10.0.0.21:8000"], "labels": {"instance": "app1", "site": "shop", "__metrics_path__": "/metrics"}},
        {"targets": ["10.9.0.1:9000"], "labels": {"instance": "10.9.0.1:9000", "__metrics_path__": "/metrics"}},
        {"targets": ["10.9.0.2:9000"], "labels": {"instance": "batch", "__metrics_path__": "/m"}},
    ]


def test_without_direct_listeners_each_site_with_metrics_is_scraped_through_its_nginx():
    assert prometheus_app_targets(GROUPS, HOSTVARS, "web", []) == [
        {
            "targets": ["127.0.0.1:8089"],
            "labels": {"instance": "lb1", "site": "api", "__metrics_path__": "/metrics/api"},
        },
        {
            "targets": ["127.0.0.1:8089"],
            "labels": {"instance": "lb1", "site": "plain", "__metrics_path__": "/metrics/plain"},
        },
        {"targets": ["127.0.0.1:9"], "labels": {"instance": "lb2", "site": "api", "__metrics_path__": "/metrics/api"}},
    ]


def test_an_extra_target_without_address_is_named():
    with pytest.raises(AnsibleFilterError, match="monitoring_app_extra_targets"):
        prometheus_app_targets(GROUPS, HOSTVARS, "web", [{"instance": "x"}])


def test_each_sites_health_url_once_with_the_scheme_its_certificate_gives():
    assert prometheus_probe_urls(GROUPS, HOSTVARS, "web") == [
        "https://api.example.com/health",
        "http://plain.example.com/ready",
        "https://quiet.example.com/health",
    ]
    assert prometheus_probe_urls(GROUPS, HOSTVARS, "nowhere") == []


SHIPPED = [
    {"name": "Down", "expr": "up == 0", "for": "1m", "severity": "critical", "summary": "down"},
    {"name": "Slow", "expr": "latency > 1", "for": "10m", "severity": "warning", "summary": "slow"},
]


def test_overrides_update_shipped_rules_and_new_rules_get_defaults_disabled_ones_go():
    overrides = [
        {"name": "Slow", "for": "30m", "expr": None, "labels": {"team": "web"}},
        {"name": "Custom", "expr": "x > 1", "summary": "custom", "severity": None},
    ]
    assert prometheus_rules(SHIPPED, overrides, ["Down"]) == [
        {
            "name": "Slow",
            "expr": "latency > 1",
            "for": "30m",
            "severity": "warning",
            "summary": "slow",
            "labels": {"team": "web"},
        },
        {"for": "5m", "severity": "warning", "name": "Custom", "expr": "x > 1", "summary": "custom"},
    ]
    assert prometheus_rules(SHIPPED, [], []) == SHIPPED


def test_alerts_carry_severity_with_the_rules_labels_and_a_description_only_when_given():
    rules = [SHIPPED[0], {**SHIPPED[1], "labels": {"team": "web"}, "description": "p99 above 1 s"}]
    assert prometheus_alerts(rules) == [
        {
            "alert": "Down",
            "expr": "up == 0",
            "for": "1m",
            "labels": {"severity": "critical"},
            "annotations": {"summary": "down"},
        },
        {
            "alert": "Slow",
            "expr": "latency > 1",
            "for": "10m",
            "labels": {"severity": "warning", "team": "web"},
            "annotations": {"summary": "slow", "description": "p99 above 1 s"},
        },
    ]


def test_exporters_whose_metrics_lack_their_ready_line_are_unready():
    redis = {"name": "redis", "ready": "redis_up 1"}
    nginx = {"name": "nginx", "ready": "nginx_up 1"}
    results = [
        {"item": redis, "content": "redis_up 0\n"},
        {"item": nginx, "content": "# HELP\nnginx_up 1\n"},
        {"item": {"name": "pg", "ready": "pg_up 1"}, "failed": True},
    ]
    assert [item["name"] for item in prometheus_unready_exporters(results)] == ["redis", "pg"]

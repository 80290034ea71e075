# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that shape the monitoring role's Prometheus configuration from the inventory: scrape
jobs per exporter, the app's targets, the URLs the blackbox exporter probes, the alert rules.

They read other hosts' inventory variables (not facts), so the configuration is the same when
those hosts are not part of the run (``--limit``).
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.fastops.stack.plugins.filter.fleet import address_from
from ansible_collections.fastops.stack.plugins.filter.nginx import nginx_sites

# The nginx role's defaults for the site options read here (None takes the default, as there).
SITE_DEFAULTS = {"certificate": "letsencrypt", "health_path": "/health", "metrics_path": "/metrics"}
NGINX_STATUS_LISTEN = "127.0.0.1:8089"
NEW_RULE_DEFAULTS = {"for": "5m", "severity": "warning"}


def _sites_of(hostvars, host):
    return nginx_sites(hostvars[host].get("nginx_sites") or [], SITE_DEFAULTS)


def prometheus_scrape_jobs(exporters, groups, hostvars, consumer):
    """One job per exporter whose group has hosts, a target per host: its monitoring_listen_address
    when the inventory sets one, else the address ``consumer`` (the Prometheus host) reaches it at."""
    jobs = []
    for exporter in exporters:
        hosts = groups.get(exporter["group"]) or []
        if not hosts:
            continue
        targets = []
        for host in hosts:
            host_vars = hostvars[host]
            if "monitoring_listen_address" in host_vars:
                address = host_vars["monitoring_listen_address"]
            else:
                address = address_from(host, hostvars, consumer)
            targets.append({"targets": [f"{address}:{exporter['port']}"], "labels": {"instance": host}})
        jobs.append({"job_name": exporter["job"], "static_configs": targets})
    return jobs


def prometheus_app_targets(groups, hostvars, site_group, extra_targets, app_group="app"):
    """The app's scrape targets: each app host's own web listener where it has one
    (python_app_web_tcp, one series per host), else each nginx site of ``site_group`` through
    its host's status listener (/metrics/<site>, sites without a metrics path left out);
    then ``extra_targets``."""
    targets = []
    for host in groups.get(app_group) or []:
        listen = hostvars[host].get("python_app_web_tcp")
        if listen:
            labels = {"instance": host, "site": hostvars[host].get("python_app_name") or "app"}
            targets.append({"targets": [listen], "labels": {**labels, "__metrics_path__": "/metrics"}})
    if not targets:
        for host in groups.get(site_group) or []:
            status = hostvars[host].get("nginx_stub_status_listen", NGINX_STATUS_LISTEN)
            for site in _sites_of(hostvars, host):
                if site["metrics_path"]:
                    labels = {"instance": host, "site": site["name"], "__metrics_path__": f"/metrics/{site['name']}"}
                    targets.append({"targets": [status], "labels": labels})
    for extra in extra_targets or []:
        if not isinstance(extra, dict) or not extra.get("target"):
            raise AnsibleFilterError(f"monitoring_app_extra_targets: each entry needs a target, got {extra!r}")
        labels = {"instance": extra.get("instance") or extra["target"]}
        targets.append(
            {
                "targets": [extra["target"]],
                "labels": {**labels, "__metrics_path__": extra.get("metrics_path") or "/metrics"},
            }
        )
    return targets


def prometheus_probe_urls(groups, hostvars, site_group):
    """The health URL of every nginx site of ``site_group``, each once: http:// for a site
    without a certificate, else https://, its first server name and its health path."""
    urls = []
    for host in groups.get(site_group) or []:
        for site in _sites_of(hostvars, host):
            scheme = "http" if site["certificate"] == "none" else "https"
            url = f"{scheme}://{site['server_names'][0]}{site['health_path']}"
            if url not in urls:
                urls.append(url)
    return urls


def prometheus_rules(shipped, overrides, disabled):
    """The alert rules to load: each shipped rule updated by the override of the same name, then
    the overrides that name a new rule (``for`` 5m and severity warning unless they say), without
    the rules named in ``disabled``. Override keys that are None are not applied."""
    given = [{key: value for key, value in rule.items() if value is not None} for rule in overrides or []]
    names = [rule["name"] for rule in shipped]
    rules = [{**rule, **next((own for own in given if own.get("name") == rule["name"]), {})} for rule in shipped]
    rules += [{**NEW_RULE_DEFAULTS, **own} for own in given if own.get("name") not in names]
    return [rule for rule in rules if rule["name"] not in (disabled or [])]


def prometheus_alerts(rules):
    """Prometheus' alerting-rule entries for rules in the monitoring role's shape."""
    alerts = []
    for rule in rules:
        annotations = {"summary": rule["summary"]}
        if rule.get("description"):
            annotations["description"] = rule["description"]
        labels = {"severity": rule["severity"], **(rule.get("labels") or {})}
        alerts.append(
            {
                "alert": rule["name"],
                "expr": rule["expr"],
                "for": rule["for"],
                "labels": labels,
                "annotations": annotations,
            }
        )
    return alerts


def prometheus_unready_exporters(results):
    """The checks (loop items of a uri task over the exporters' /metrics) whose answer lacks the
    line that says the exporter reaches its service."""
    return [result["item"] for result in results if result["item"]["ready"] not in (result.get("content") or "")]


class FilterModule:
    def filters(self):
        return {
            "prometheus_scrape_jobs": prometheus_scrape_jobs,
            "prometheus_app_targets": prometheus_app_targets,
            "prometheus_probe_urls": prometheus_probe_urls,
            "prometheus_rules": prometheus_rules,
            "prometheus_alerts": prometheus_alerts,
            "prometheus_unready_exporters": prometheus_unready_exporters,
        }

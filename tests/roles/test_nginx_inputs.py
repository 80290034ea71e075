"""Bad input to fastops.stack.nginx and fastops.stack.letsencrypt fails at validation, naming the variable."""

import pytest

SITE = {"name": "api", "server_names": ["api.example.com"], "upstream_servers": ["unix:/run/app/web.sock"]}


@pytest.mark.parametrize(
    ("role_vars", "message"),
    [
        pytest.param(
            {"nginx_rate_limit_zones": [{"name": "api", "rate": "10/s"}]},
            "nginx_rate_limit_zones: rate must be requests per second or minute",
            id="bad-rate",
        ),
        pytest.param({"nginx_tls_profile": "old"}, "nginx_tls_profile", id="unknown-tls-profile"),
        pytest.param({"nginx_hsts_max_age": "two years"}, "nginx_hsts_max_age", id="hsts-not-a-number"),
        pytest.param(
            {"nginx_sites": [dict(SITE, upstream_keepalive_timeout=5)]},
            "nginx_sites: upstream_keepalive_timeout must be below app_keepalive_timeout",
            id="keepalive-not-below-app",
        ),
        pytest.param(
            {"nginx_sites": [dict(SITE, rate_limits=[{"path": "/api/", "zone": "login"}])]},
            "nginx_sites: rate_limits use zones that nginx_rate_limit_zones does not define; ['login']",
            id="unknown-zone",
        ),
        pytest.param(
            {"nginx_sites": [dict(SITE, name="My Site")]}, "nginx_sites: site names must be unique", id="bad-site-name"
        ),
        pytest.param({"nginx_sites": [SITE, SITE]}, "nginx_sites: site names must be unique", id="duplicate-site"),
        pytest.param(
            {"nginx_sites": [dict(SITE, certificate="files")]},
            "nginx_sites: certificate files needs certificate_file and certificate_key_file",
            id="files-without-paths",
        ),
        pytest.param({"nginx_sites": [dict(SITE, certificate="acme")]}, "certificate", id="unknown-certificate-source"),
        pytest.param(
            {"nginx_sites": [dict(SITE, static=[{"path": "/static/", "alias": "/srv/static"}])]},
            "nginx_sites: static entries need a path and an alias that both end in '/'",
            id="static-alias-slash",
        ),
    ],
)
def test_bad_nginx_input_fails_at_validation(assert_rejected, role_vars, message):
    assert_rejected("nginx", role_vars, message)


@pytest.mark.parametrize(
    ("role_vars", "message"),
    [
        pytest.param(
            {"letsencrypt_email": "ops-at-example"}, "letsencrypt_email: must be an email address", id="email"
        ),
        pytest.param(
            {"letsencrypt_certificates": [{"name": "api", "domains": ["*.example.com"]}]},
            "letsencrypt_certificates: every certificate needs domains, each a DNS name",
            id="wildcard",
        ),
        pytest.param(
            {"letsencrypt_acme_directory": "http://acme.example.com/dir"},
            "letsencrypt_acme_directory: must be production, staging or an https:// directory URL",
            id="plain-http-directory",
        ),
        pytest.param({"letsencrypt_key_type": "dsa"}, "letsencrypt_key_type", id="key-type"),
    ],
)
def test_bad_letsencrypt_input_fails_at_validation(assert_rejected, role_vars, message):
    assert_rejected("letsencrypt", role_vars, message)


def test_valid_site_passes_validation(run_role):
    result = run_role("nginx", {"nginx_sites": [dict(SITE, certificate="none")]})
    assert not result.failed_at_validation, result.output

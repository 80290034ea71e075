"""The nginx filters: sites filled with defaults, certificate paths, rendered files, cross-field problems."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.fastops.stack.plugins.filter.nginx import (
    nginx_bad_static,
    nginx_certificate_paths,
    nginx_config_files,
    nginx_keepalive_conflicts,
    nginx_site_tls,
    nginx_sites,
)

DEFAULTS = {"certificate": "letsencrypt", "upstream_keepalive_timeout": 4, "app_keepalive_timeout": 5, "static": []}
DIRS = {"letsencrypt": "/etc/letsencrypt/live", "selfsigned": "/etc/ssl/fastops-selfsigned"}


def test_a_site_takes_the_defaults_it_leaves_out_or_leaves_none():
    sites = nginx_sites([{"name": "api", "certificate": None, "static": [{"path": "/s/", "alias": "/srv/"}]}], DEFAULTS)
    assert sites == [dict(DEFAULTS, name="api", static=[{"path": "/s/", "alias": "/srv/"}])]


def test_the_defaults_are_not_shared_between_sites():
    sites = nginx_sites([{"name": "a"}, {"name": "b", "certificate": "selfsigned"}], DEFAULTS)
    assert [site["certificate"] for site in sites] == ["letsencrypt", "selfsigned"]
    assert DEFAULTS["certificate"] == "letsencrypt"


def test_sites_must_be_a_list_of_mappings():
    with pytest.raises(AnsibleFilterError, match="nginx_sites: expects a list of sites"):
        nginx_sites({"name": "api"}, DEFAULTS)


def test_certificate_paths_by_source():
    sites = [
        {"name": "le", "certificate": "letsencrypt"},
        {"name": "self", "certificate": "selfsigned"},
        {"name": "own", "certificate": "files", "certificate_file": "/c.pem", "certificate_key_file": "/k.pem"},
    ]
    assert nginx_certificate_paths(sites, DIRS) == {
        "le": {"certificate": "/etc/letsencrypt/live/le/fullchain.pem", "key": "/etc/letsencrypt/live/le/privkey.pem"},
        "self": {
            "certificate": "/etc/ssl/fastops-selfsigned/self/fullchain.pem",
            "key": "/etc/ssl/fastops-selfsigned/self/privkey.pem",
        },
        "own": {"certificate": "/c.pem", "key": "/k.pem"},
    }


def test_tls_is_enabled_where_the_certificate_was_found():
    sites = [{"name": "a"}, {"name": "b"}, {"name": "plain"}]
    paths = {name: {"certificate": f"/{name}.pem", "key": f"/{name}.key"} for name in ("a", "b", "plain")}
    results = [{"item": {"name": "a"}, "stat": {"exists": True}}, {"item": {"name": "b"}, "stat": {"exists": False}}]
    tls = nginx_site_tls(sites, paths, results)
    assert tls["a"] == {"certificate": "/a.pem", "key": "/a.key", "enabled": True}
    assert not tls["b"]["enabled"]
    assert not tls["plain"]["enabled"]  # not looked for (certificate: none)


def test_config_files_are_nginx_conf_then_one_per_site():
    files = nginx_config_files([{"name": "api"}], "/etc/nginx", "/etc/nginx/sites-enabled")
    assert [f["dest"] for f in files] == ["/etc/nginx/nginx.conf", "/etc/nginx/sites-enabled/fastops-api.conf"]
    assert files[1]["site"] == {"name": "api"}


def test_keepalive_that_outlives_the_apps_is_a_conflict():
    sites = [
        {"name": "ok", "upstream_keepalive_timeout": 4, "app_keepalive_timeout": "5"},
        {"name": "equal", "upstream_keepalive_timeout": 5, "app_keepalive_timeout": 5},
    ]
    assert nginx_keepalive_conflicts(sites) == ["equal"]


@pytest.mark.parametrize(
    ("static", "bad"),
    [
        ({"path": "/static/", "alias": "/srv/static/"}, False),
        ({"path": "/favicon.ico", "alias": "/srv/favicon.ico"}, False),
        ({"path": "/static/", "alias": "/srv/static"}, True),
        ({"path": "/static", "alias": "/srv/static/"}, True),
        ({"path": "", "alias": "/srv/"}, True),
        ({"path": "/static/"}, True),
    ],
)
def test_static_locations_need_a_path_and_an_alias_that_agree(static, bad):
    assert nginx_bad_static([{"name": "api", "static": [static]}]) == ([f"api {static['path']}"] if bad else [])

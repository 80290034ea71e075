# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that shape the nginx role's sites: each site with every option filled in, where its
certificate lives, the files the role writes, and the cross-field problems validation reports."""

from ansible.errors import AnsibleFilterError


def _sites(sites, name):
    if not isinstance(sites, list) or not all(isinstance(site, dict) for site in sites):
        raise AnsibleFilterError(f"{name}: expects a list of sites (mappings), got {sites!r}")
    return sites


def nginx_sites(sites, defaults):
    """Each site with every option: the defaults, then the site's own options that are set.

    Options left out may arrive as None from the argument spec; they take the default.
    """
    return [
        {**defaults, **{key: value for key, value in site.items() if value is not None}}
        for site in _sites(sites, "nginx_sites")
    ]


def nginx_certificate_paths(sites, directories):
    """{site name: {certificate, key}}: a "files" site's own paths, else <dir of its source>/<name>/."""
    paths = {}
    for site in _sites(sites, "nginx_certificate_paths"):
        if site.get("certificate") == "files":
            paths[site["name"]] = {"certificate": site["certificate_file"], "key": site["certificate_key_file"]}
            continue
        base = f"{directories.get(site.get('certificate'), '/nonexistent')}/{site['name']}"
        paths[site["name"]] = {"certificate": f"{base}/fullchain.pem", "key": f"{base}/privkey.pem"}
    return paths


def nginx_site_tls(sites, paths, stat_results):
    """{site name: {certificate, key, enabled}}: enabled where a stat result says the certificate exists."""
    found = {
        result["item"]["name"]: bool((result.get("stat") or {}).get("exists"))
        for result in stat_results
        if isinstance(result, dict) and "item" in result
    }
    return {site["name"]: {**paths[site["name"]], "enabled": found.get(site["name"], False)} for site in sites}


def nginx_config_files(sites, conf_dir, sites_dir):
    """The files the role renders: nginx.conf, then one file per site."""
    files = [{"template": "etc/nginx/nginx.conf.j2", "dest": f"{conf_dir}/nginx.conf"}]
    files += [
        {
            "template": "etc/nginx/sites-enabled/site.conf.j2",
            "site": site,
            "dest": f"{sites_dir}/fastops-{site['name']}.conf",
        }
        for site in _sites(sites, "nginx_config_files")
    ]
    return files


def nginx_keepalive_conflicts(sites):
    """Names of the sites whose upstream keepalive outlives the app's own (the app would close first)."""
    return [
        site["name"]
        for site in _sites(sites, "nginx_keepalive_conflicts")
        if float(site["upstream_keepalive_timeout"]) >= float(site["app_keepalive_timeout"])
    ]


def nginx_bad_static(sites):
    """ "<site> <path>" of each static location without a path or alias, or whose path and alias
    disagree about a trailing slash (nginx would map the files one directory off)."""
    bad = []
    for site in _sites(sites, "nginx_bad_static"):
        for static in site.get("static") or []:
            path, alias = static.get("path") or "", static.get("alias") or ""
            if not path or not alias or path.endswith("/") != alias.endswith("/"):
                bad.append(f"{site['name']} {path}")
    return bad


class FilterModule:
    def filters(self):
        return {
            "nginx_sites": nginx_sites,
            "nginx_certificate_paths": nginx_certificate_paths,
            "nginx_site_tls": nginx_site_tls,
            "nginx_config_files": nginx_config_files,
            "nginx_keepalive_conflicts": nginx_keepalive_conflicts,
            "nginx_bad_static": nginx_bad_static,
        }

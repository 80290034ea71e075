# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that let the base role remove ufw rules which left its variables.

Every rule the role adds carries a comment tag ``fastops:<proto>/<port>@<src>``; the tag
is the rule's identity, so stale rules can be found in ``ufw show added`` and deleted
without parsing ufw's own rule syntax.
"""

import re

from ansible.errors import AnsibleFilterError

TAG_PREFIX = "fastops:"
_TAG_RE = re.compile(r"comment '" + re.escape(TAG_PREFIX) + r"(tcp|udp)/([0-9]+(?::[0-9]+)?)@([^']+)'")


def _normalize(rule):
    if not isinstance(rule, dict) or "port" not in rule:
        raise AnsibleFilterError(f"each firewall rule must be a dict with a 'port' key, got {rule!r}")
    normalized = {
        "port": str(rule["port"]),
        "proto": str(rule.get("proto") or "tcp"),
        "src": str(rule.get("src") or "any"),
    }
    normalized["tag"] = "{}{}/{}@{}".format(TAG_PREFIX, normalized["proto"], normalized["port"], normalized["src"])
    return normalized


def ufw_rules(rules):
    """Fill defaults (tcp, any) and add the identifying comment tag to each rule."""
    return [_normalize(rule) for rule in rules or []]


def _added_tags(show_added):
    return set(
        _normalize({"port": port, "proto": proto, "src": src})["tag"]
        for proto, port, src in _TAG_RE.findall(show_added or "")
    )


def ufw_missing_rules(show_added, rules):
    """Rules (as ufw_rules returns them) that ``ufw show added`` does not list yet.

    Only these go to the ufw module: each call of it reads ufw's whole state, and a
    converged host would otherwise pay for one call per rule on every run.
    """
    added = _added_tags(show_added)
    return [rule for rule in ufw_rules(rules) if rule["tag"] not in added]


def ufw_stale_rules(show_added, rules):
    """Rules tagged by this role in ``ufw show added`` output that ``rules`` no longer lists."""
    wanted = set(rule["tag"] for rule in ufw_rules(rules))
    stale = []
    for proto, port, src in _TAG_RE.findall(show_added or ""):
        rule = _normalize({"port": port, "proto": proto, "src": src})
        if rule["tag"] not in wanted and rule not in stale:
            stale.append(rule)
    return stale


class FilterModule:
    def filters(self):
        return {
            "ufw_rules": ufw_rules,
            "ufw_missing_rules": ufw_missing_rules,
            "ufw_stale_rules": ufw_stale_rules,
        }

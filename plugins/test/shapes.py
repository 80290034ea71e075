# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests for the shapes role variables must have where an argument spec cannot say it:
``value is fastops.stack.port``, ``is fastops.stack.cidr``, ``is fastops.stack.env_name``...

Each is False for a wrong type instead of raising, so a role's assert can name the variable.
"""

import ipaddress
import re

_LABEL = r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*\.?$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _text(value):
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value).strip()


def is_port(value):
    """A TCP/UDP port: 1-65535, as a number or a string of digits."""
    text = _text(value)
    return bool(text) and text.isdigit() and 1 <= int(text) <= 65535


def is_port_range(value):
    """A port or a range ``low:high`` (ufw's notation)."""
    text = _text(value) or ""
    low, sep, high = text.partition(":")
    if not sep:
        return is_port(text)
    return is_port(low) and is_port(high) and int(low) < int(high)


def is_ip_address(value):
    """An IPv4 or IPv6 address."""
    text = _text(value)
    try:
        ipaddress.ip_address(text or "")
    except ValueError:
        return False
    return True


def is_cidr(value):
    """An address or network (``10.0.0.0/8``, ``::1/128``) with no host bits set."""
    text = _text(value)
    try:
        ipaddress.ip_network(text or "", strict=True)
    except ValueError:
        return False
    return True


def is_hostname(value):
    """A DNS name or an IP address (what a client can connect to)."""
    text = _text(value) or ""
    return is_ip_address(text) or bool(_HOSTNAME.match(text))


def is_host_port(value):
    """``host:port`` with an IPv4 address or name, or ``[IPv6]:port``."""
    text = _text(value) or ""
    host, sep, port = text.rpartition(":")
    if not sep or not is_port(port):
        return False
    if host.startswith("[") and host.endswith("]"):
        return is_ip_address(host[1:-1])
    return is_hostname(host)


def is_server_name(value):
    """An nginx server name: a DNS name, optionally with a leading ``*.`` wildcard."""
    text = _text(value) or ""
    return bool(text) and is_hostname(text[2:] if text.startswith("*.") else text)


def is_env_name(value):
    """An environment variable name: letters, digits and ``_``, not starting with a digit."""
    return isinstance(value, str) and bool(_ENV_NAME.match(value))


def is_url_path(value):
    """An absolute URL path: starts with ``/``, no whitespace."""
    return isinstance(value, str) and value.startswith("/") and not re.search(r"\s", value)


def is_inner_path(value):
    """A relative path that stays inside its directory: no leading ``/``, no ``..`` part."""
    if not isinstance(value, str) or not value.strip() or value.startswith("/"):
        return False
    return ".." not in value.split("/")


class TestModule:
    def tests(self):
        return {
            "port": is_port,
            "port_range": is_port_range,
            "ip_address": is_ip_address,
            "cidr": is_cidr,
            "hostname": is_hostname,
            "host_port": is_host_port,
            "server_name": is_server_name,
            "env_name": is_env_name,
            "url_path": is_url_path,
            "inner_path": is_inner_path,
        }

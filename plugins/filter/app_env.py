# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that shape the python_app role's environment file.

Apps read their settings under names of their own (``DATABASE_URL``, or ``POSTGRES_SERVER``,
``POSTGRES_PASSWORD``...); the role knows the connection as parts. The mapping says which
variable gets which part, so each value is stated once in the inventory.
"""

import re

from ansible.errors import AnsibleFilterError

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def env_from_parts(mapping, parts):
    """{VARIABLE: part name} and {part name: value} -> {VARIABLE: value as a string}."""
    if not isinstance(mapping, dict):
        raise AnsibleFilterError(f"env_from_parts expects a mapping of variable names to parts, got {mapping!r}")
    environment = {}
    for variable, part in mapping.items():
        if part not in parts:
            raise AnsibleFilterError(
                f"env_from_parts: {variable} asks for part {part!r}; known parts: {', '.join(sorted(parts))}"
            )
        value = parts[part]
        environment[str(variable)] = "" if value is None else str(value)
    return environment


def env_mapping_errors(mapping, allowed):
    """Entries of a {VARIABLE: part} mapping that are wrong, as 'NAME: part' strings."""
    if not isinstance(mapping, dict):
        return [f"not a mapping: {mapping!r}"]
    return [
        f"{variable}: {part}"
        for variable, part in mapping.items()
        if not ENV_NAME.match(str(variable)) or part not in allowed
    ]


class FilterModule:
    def filters(self):
        return {"env_from_parts": env_from_parts, "env_mapping_errors": env_mapping_errors}

"""The python_app role's environment mapping filter."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.fastops.stack.plugins.filter.app_env import env_from_parts, env_mapping_errors

PARTS = {
    "url": "postgresql+psycopg://u:p%40ss@db1:5432/shop",
    "host": "db1",
    "port": 5432,
    "user": "u",
    "password": "p@ss",
    "name": "shop",
}


def test_maps_each_variable_to_its_part_as_strings():
    mapping = {"POSTGRES_SERVER": "host", "POSTGRES_PORT": "port", "POSTGRES_PASSWORD": "password"}
    assert env_from_parts(mapping, PARTS) == {
        "POSTGRES_SERVER": "db1",
        "POSTGRES_PORT": "5432",
        "POSTGRES_PASSWORD": "p@ss",
    }


def test_the_default_mapping_is_the_url():
    assert env_from_parts({"DATABASE_URL": "url"}, PARTS) == {"DATABASE_URL": PARTS["url"]}


def test_unknown_part_is_named_with_the_known_ones():
    with pytest.raises(AnsibleFilterError, match="POSTGRES_HOST asks for part 'server'; known parts: host, name"):
        env_from_parts({"POSTGRES_HOST": "server"}, PARTS)


def test_missing_value_becomes_empty():
    assert env_from_parts({"REDIS_URL": "url"}, {"url": None}) == {"REDIS_URL": ""}


def test_mapping_errors_name_bad_variables_and_unknown_parts():
    mapping = {"POSTGRES_SERVER": "host", "POSTGRES HOST": "host", "DB_PASS": "secret"}
    assert env_mapping_errors(mapping, ["host", "password"]) == ["POSTGRES HOST: host", "DB_PASS: secret"]
    assert env_mapping_errors({"POSTGRES_DB": "name"}, ["name"]) == []
    assert env_mapping_errors(["DATABASE_URL"], ["url"]) == ["not a mapping: ['DATABASE_URL']"]

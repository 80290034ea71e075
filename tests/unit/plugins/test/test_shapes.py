"""The shape tests accept what the roles can use and nothing else, without raising."""

import pytest
from ansible_collections.fastops.stack.plugins.test import shapes

SHAPES = shapes.TestModule().tests()

CASES = {
    "port": ([22, "5432", 65535, " 80 "], [0, 65536, "http", "", None, True, 5.5, "-1"]),
    "port_range": (["22", "6000:6007", 9100], ["6007:6000", "1:70000", "a:b", "22:", ""]),
    "ip_address": (["10.0.0.5", "::1", "fe80::1"], ["10.0.0.300", "10.0.0.0/8", "db1", "", None]),
    "cidr": (["10.0.0.0/8", "10.0.0.5", "::1/128", "10.0.0.5/32"], ["10.0.0.5/8", "10.0.0.0/33", "any", "lan"]),
    "hostname": (["db1", "db1.example.com", "10.0.0.5", "::1", "a_b.internal"], ["db 1", "-db", "a..b", ""]),
    "host_port": (["127.0.0.1:8000", "db1:5432", "[::1]:9090"], ["127.0.0.1", ":8000", "1.2.3.4:0", "x y:80"]),
    "server_name": (["api.example.com", "*.example.com", "localhost"], ["api example.com", "*", "", "a*.b.com"]),
    "env_name": (["DATABASE_URL", "_X", "a1"], ["1A", "POSTGRES HOST", "A-B", "", None, 5]),
    "url_path": (["/health", "/api/v1/", "/"], ["health", "/he alth", "", None]),
    "inner_path": (["backend", "src/app", "static"], ["/srv/app", "../up", "a/../../b", "", " ", None]),
}


@pytest.mark.parametrize(("shape", "value"), [(s, v) for s, (good, _bad) in CASES.items() for v in good])
def test_good_values_pass(shape, value):
    assert SHAPES[shape](value) is True


@pytest.mark.parametrize(("shape", "value"), [(s, v) for s, (_good, bad) in CASES.items() for v in bad])
def test_bad_values_fail_without_raising(shape, value):
    assert SHAPES[shape](value) is False


def test_every_shape_has_cases():
    assert set(SHAPES) == set(CASES)

"""The python_app process filters: problems named per process, unit instances per process."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.fastops.stack.plugins.filter.app_processes import app_process_problems, app_process_units

TYPES = ["celery_worker", "celery_beat", "dramatiq", "command"]
WORKER = {"name": "worker", "type": "celery_worker", "app": "app.celery"}


def test_well_formed_processes_have_no_problems():
    processes = [WORKER, {"name": "cron", "type": "command", "command": "python -m app.cron", "instances": 2}]
    assert app_process_problems(processes, TYPES) == []


@pytest.mark.parametrize(
    ("process", "problem"),
    [
        (dict(WORKER, name="Worker"), "Worker: name must be lower-case letters, digits, - (and not web)"),
        (dict(WORKER, name="web"), "web: name must be lower-case letters, digits, - (and not web)"),
        (dict(WORKER, type="rq"), "worker: unknown type rq, use one of celery_worker, celery_beat, dramatiq, command"),
        ({"name": "cron", "type": "command"}, "cron: type command needs command"),
        ({"name": "beat", "type": "celery_beat", "app": ""}, "beat: type celery_beat needs app"),
        (dict(WORKER, concurrency=0), "worker: concurrency must be above 0"),
        (dict(WORKER, instances="two"), "worker: instances must be above 0"),
    ],
)
def test_each_problem_names_the_process(process, problem):
    assert any(message.startswith(problem) for message in app_process_problems([process], TYPES))


def test_unset_counts_are_not_problems():
    assert app_process_problems([dict(WORKER, instances=None)], TYPES) == []


def test_names_must_be_unique():
    assert app_process_problems([WORKER, WORKER], TYPES) == ["process names must be unique"]


def test_units_per_instance_and_one_beat():
    processes = [dict(WORKER, instances=2), {"name": "beat", "type": "celery_beat", "app": "a", "instances": 3}]
    assert app_process_units(processes, "shop") == [
        "shop-worker@1.service",
        "shop-worker@2.service",
        "shop-beat@1.service",
    ]


def test_processes_must_be_a_list_of_mappings():
    with pytest.raises(AnsibleFilterError, match="app_process_units: expects a list of processes"):
        app_process_units("worker", "shop")

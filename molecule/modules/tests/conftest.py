"""Call the collection's modules on the test host through Ansible, as a playbook would."""

import json
import os

import pytest

os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "collections"))

DATABASE_URL = "postgresql+psycopg2://app:app-test-password@127.0.0.1/appdb"


@pytest.fixture
def call(host):
    """Run a fastops.stack module on the host; returns its result, failed or not.

    ansible-core 2.19's --tree output no longer carries the "failed" key, so the tests
    judge results by what the modules return (error_kind, failed_checks, msg).
    """

    def run(module, check=False, **args):
        try:
            return host.ansible(f"fastops.stack.{module}", json.dumps(args), check=check)
        except host.ansible.AnsibleException as exc:
            return exc.result

    return run


@pytest.fixture
def migrate(call):
    def run(check=False, **args):
        params = {
            "project_path": "/srv/app/backend",
            "virtualenv": "/opt/app-venv",
            "environment": {"DATABASE_URL": DATABASE_URL},
        }
        params.update(args)
        return call("alembic_migration", check=check, **params)

    return run

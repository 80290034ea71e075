"""Each example inventory in examples/app-conventions passes the python_app role's validation."""

from pathlib import Path

import pytest
import yaml

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "app-conventions").glob("*.yml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_example_passes_validation(run_role, example, tmp_path):
    role_vars = yaml.safe_load(example.read_text())
    # The source must exist where ansible-playbook runs: the example's archive sits in dist/ beside
    # the playbook's directory (the test's play runs from tmp_path).
    (tmp_path.parent / "dist").mkdir(exist_ok=True)
    (tmp_path.parent / "dist" / "api-1.4.0.tar.gz").write_bytes(b"")
    # What the inventory's postgresql group would give (this play has no such host).
    role_vars.update(
        python_app_database_host="127.0.0.1",
        python_app_database_user="app",
        python_app_database_password="example-password",
        python_app_alembic_backup_host="localhost",
    )
    result = run_role("python_app", role_vars)
    assert not result.failed_at_validation, result.output
    assert "Check cross-field rules of the python_app variables" in result.output
    assert "example-password" not in result.output

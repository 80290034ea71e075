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
    # The endpoint the postgresql role publishes in a play, and the vault variable the example names.
    role_vars.update(
        postgresql_endpoint={"host": "127.0.0.1", "port": 5432, "databases": {"app": "app"}},
        vault_api_db_password="example-password",
    )
    result = run_role("python_app", role_vars)
    assert not result.failed_at_validation, result.output
    assert "Check cross-field rules of the python_app variables" in result.output
    assert "example-password" not in result.output

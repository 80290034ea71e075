"""deploy_lock: exclusive creation, who holds it, re-entry, release, forced break, check mode."""

import json

from ansible_collections.fastops.stack.plugins.modules import deploy_lock

ALICE = {"id": "20261202T101500Z", "user": "alice", "controller": "laptop", "started": "2026-12-02T10:15:00Z"}
BOB = {"id": "20261202T101530Z", "user": "bob", "controller": "ci", "started": "2026-12-02T10:15:30Z"}


def lock_args(tmp_path, holder, **extra):
    return dict({"path": str(tmp_path / "deploy.lock"), "holder": holder}, **extra)


def test_first_deploy_takes_the_lock_and_records_itself(run_module, tmp_path):
    result = run_module(deploy_lock.main, lock_args(tmp_path, ALICE))
    assert result["rc"] == 0
    assert result["changed"]
    assert json.loads((tmp_path / "deploy.lock").read_text()) == ALICE


def test_second_deploy_is_refused_naming_the_holder(run_module, tmp_path):
    run_module(deploy_lock.main, lock_args(tmp_path, ALICE))
    result = run_module(deploy_lock.main, lock_args(tmp_path, BOB))
    assert result["rc"] == 1
    assert "deploy 20261202T101500Z of alice@laptop, started 2026-12-02T10:15:00Z" in result["msg"]
    assert "fastops_deploy_break_lock=true" in result["msg"]
    assert json.loads((tmp_path / "deploy.lock").read_text()) == ALICE


def test_holder_may_take_it_again(run_module, tmp_path):
    run_module(deploy_lock.main, lock_args(tmp_path, ALICE))
    result = run_module(deploy_lock.main, lock_args(tmp_path, {"id": ALICE["id"]}))
    assert result["rc"] == 0
    assert not result["changed"]
    assert result["holder"] == ALICE


def test_force_breaks_a_stale_lock_and_returns_it(run_module, tmp_path):
    run_module(deploy_lock.main, lock_args(tmp_path, ALICE))
    result = run_module(deploy_lock.main, lock_args(tmp_path, BOB, force=True))
    assert result["rc"] == 0
    assert result["changed"]
    assert result["broken"] == ALICE
    assert json.loads((tmp_path / "deploy.lock").read_text()) == BOB


def test_release_only_by_the_holder(run_module, tmp_path):
    run_module(deploy_lock.main, lock_args(tmp_path, ALICE))
    other = run_module(deploy_lock.main, lock_args(tmp_path, BOB, state="absent"))
    assert other["rc"] == 0
    assert not other["changed"]
    assert (tmp_path / "deploy.lock").exists()
    own = run_module(deploy_lock.main, lock_args(tmp_path, ALICE, state="absent"))
    assert own["rc"] == 0
    assert own["changed"]
    assert not (tmp_path / "deploy.lock").exists()
    again = run_module(deploy_lock.main, lock_args(tmp_path, ALICE, state="absent"))
    assert not again["changed"]


def test_check_mode_changes_nothing(run_module, tmp_path):
    result = run_module(deploy_lock.main, lock_args(tmp_path, ALICE), check_mode=True)
    assert result["rc"] == 0
    assert result["changed"]
    assert not (tmp_path / "deploy.lock").exists()


def test_unreadable_record_still_counts_as_held(run_module, tmp_path):
    (tmp_path / "deploy.lock").write_text("garbage")
    result = run_module(deploy_lock.main, lock_args(tmp_path, BOB))
    assert result["rc"] == 1
    assert "(unreadable lock record)" in result["msg"]


def test_bad_input_names_the_parameter(run_module, tmp_path):
    no_id = run_module(deploy_lock.main, lock_args(tmp_path, {"user": "alice"}))
    assert no_id["rc"] == 1
    assert no_id["msg"].startswith("holder:")
    no_dir = run_module(deploy_lock.main, {"path": str(tmp_path / "missing" / "deploy.lock"), "holder": ALICE})
    assert no_dir["rc"] == 1
    assert no_dir["msg"].startswith("path:")

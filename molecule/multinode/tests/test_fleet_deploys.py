"""What the side effect's fleet deploys did, read from the hosts: one release id everywhere, a
changed release rolled over the app hosts one at a time through lb1 with no failed request, a
canary that failed alone, a second deploy refused by the lock, a named rollback everywhere, and
every deploy in each host's history."""

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from fleet import ADDRESS, node
from polling import evidence

testinfra_hosts = ["ansible://fastops-multinode-mon1"]

APP = "api"


def text_of(run):
    """A run's output tail as one line of words: no colours, no YAML line wrapping."""
    return " ".join(re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(run["tail"])).split())


def history(short):
    lines = node(short).file(f"/srv/{APP}/deploy-history.jsonl").content_string.splitlines()
    return [json.loads(line) for line in lines]


def parse(stamp):
    return datetime.strptime(stamp.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f" if "." in stamp else "%Y-%m-%dT%H:%M:%S")


def v2_entries():
    """Each app host's record of the changed release's deploy."""
    entries = {}
    for short in ["app1", "app2", "worker1"]:
        found = [entry for entry in history(short) if entry["release"].endswith(v2_release()[-10:])]
        entries[short] = found[0] if found else None
    return entries


def v2_release():
    deployed = [entry for entry in history("app2") if not entry["rolled_back"] and entry["previous_release"]]
    return deployed[0]["release"]


def test_the_load_saw_no_failed_request(host, capsys):
    load = evidence(host, "load")
    with capsys.disabled():  # a measured figure: into the log, passed or not
        print(
            f"load: {load['requests']} requests ({load['failed']} failed) in {load['seconds']} s by "
            f"{load['threads']} threads, "
            f"{load.get('reopened', 0)} kept-alive connections reopened, hosts {load['hosts']}"
        )
    assert load["requests"] >= 5000
    assert load["threads"] >= 16
    assert load["keep_alive"] > 0
    assert load["new_connection"] > 0
    assert load["failed"] == 0, load["failures"]
    assert set(load["hosts"]) == {"app1", "app2"}


def test_the_changed_release_went_live_on_every_host_under_one_id(host, capsys):
    run = evidence(host, "playbook-deploy-v2")
    assert run["rc"] == 0, run["tail"]
    assert run["secrets_shown"] == []
    entries = v2_entries()
    assert all(entries.values()), entries
    assert len({entry["release"] for entry in entries.values()}) == 1
    for _short, entry in entries.items():
        assert entry["live_release"] == entry["release"], entry
        assert entry["health"] in ("healthy", "not checked"), entry
    with capsys.disabled():  # a measured figure: into the log, passed or not
        print(
            "deploy-v2 wall time per host: "
            + ", ".join(
                f"{short} {(parse(entry['finished']) - parse(entry['started'])).total_seconds():.0f} s"
                for short, entry in entries.items()
            )
        )


def test_each_app_host_left_the_pool_only_in_its_own_turn(capsys):
    entries = v2_entries()
    windows = {}
    for short in ["app1", "app2"]:
        notes = entries[short]["notes"]
        windows[short] = (parse(notes["left_pools"]), parse(notes["joined_pools"]))
    with capsys.disabled():  # a measured figure: into the log, passed or not
        print(
            "deploy-v2 seconds out of the pool: "
            + ", ".join(f"{short} {(joined - left).total_seconds():.1f} s" for short, (left, joined) in windows.items())
        )
    assert windows["app1"][1] <= windows["app2"][0], windows
    # nginx's view: no request of lb1's access log went to a host inside its window (1 s margin
    # for requests under way and the log's whole seconds); the other host served meanwhile.
    log = node("lb1").file("/var/log/nginx/api.access.log").content_string.splitlines()
    served = []
    for line in log:
        entry = json.loads(line)
        stamp = datetime.fromisoformat(entry["time"]).astimezone(timezone.utc).replace(tzinfo=None)
        served.append((stamp, entry["upstream_addr"]))
    for short, (left, joined) in windows.items():
        other = "app2" if short == "app1" else "app1"
        margin = timedelta(seconds=1)
        inside = [(stamp, addr) for stamp, addr in served if left + margin < stamp < joined - margin]
        assert not [item for item in inside if ADDRESS[short] in item[1]], (short, windows)
        assert [item for item in inside if ADDRESS[other] in item[1]], (short, windows, len(served))


def test_migrations_ran_once_in_the_deploy():
    # The changed release brings revision 0003: the canary (app1) applied it, the others found
    # nothing to do, and the database host made one dump before.
    entries = v2_entries()
    migrated = {short: (entry["migrated_from"], entry["migrated_to"]) for short, entry in entries.items()}
    assert migrated == {"app1": ("0002", "0003"), "app2": ("0003", "0003"), "worker1": ("0003", "0003")}


def test_a_canary_that_fails_rolls_back_alone():
    run = evidence(node("mon1"), "playbook-deploy-broken")
    assert run["rc"] != 0
    assert run["secrets_shown"] == []
    assert "was rolled back to" in text_of(run), run["tail"]
    failed = [entry for entry in history("app1") if entry["rolled_back"] and entry["error"]]
    assert failed, history("app1")
    broken = failed[-1]["release"]
    for short in ["app2", "worker1"]:
        assert broken not in [entry["release"] for entry in history(short)]


def test_a_second_deploy_is_refused_by_the_lock():
    run = evidence(node("mon1"), "playbook-deploy-locked-out")
    assert run["rc"] != 0
    assert "another deploy holds the lock" in text_of(run), run["tail"]


@pytest.mark.parametrize("short", ["app1", "app2", "worker1"])
def test_the_named_rollback_reached_every_host(short):
    run = evidence(node("mon1"), "playbook-rollback-named")
    assert run["rc"] == 0, run["tail"]
    first = history(short)[0]["release"]
    last = history(short)[-1]
    assert last["rolled_back"], last
    assert last["live_release"] == first, last
    live = json.loads(node(short).file(f"/srv/{APP}/current/.fastops-release.json").content_string)
    assert live["release"] == first
    assert json.loads(node(short).file(f"/srv/{APP}/last-deploy.json").content_string) == last
    assert not node("app1").file("/var/lib/fastops/deploy.lock").exists


@pytest.mark.parametrize("short", ["app1", "app2", "worker1"])
def test_the_history_holds_every_deploy_of_the_scenario(short):
    entries = history(short)
    first, v2 = entries[0]["release"], v2_release()
    outcomes = [(entry["release"], entry["rolled_back"], bool(entry["error"])) for entry in entries]
    expected = [(first, False, False), (v2, False, False)]
    if short == "app1":  # the canary alone tried the broken release
        expected.append((entries[2]["release"], True, True))
    expected.append((first, True, False))
    assert outcomes == expected, entries
    assert all(entry["by"] and entry["started"] and entry["finished"] for entry in entries), entries

"""The test images' bytecode cache (tests/images/fastops_test_bytecode.py): same code, less CPU."""

import importlib.util
import os
import sys
import zipfile
from pathlib import Path

import pytest

HOOK_FILE = Path(__file__).parents[1] / "images" / "fastops_test_bytecode.py"


@pytest.fixture
def hook(tmp_path, monkeypatch):
    """The hook module with its cache under tmp_path, removed from sys.path_hooks afterwards."""
    spec = importlib.util.spec_from_file_location("fastops_test_bytecode_under_test", HOOK_FILE)
    module = importlib.util.module_from_spec(spec)
    hooks = list(sys.path_hooks)
    spec.loader.exec_module(module)
    monkeypatch.setattr(sys, "path_hooks", hooks)
    monkeypatch.setattr(module, "_CACHE", str(tmp_path / "cache"))
    module._cache_is_ours.cache_clear()
    return module


def payload(tmp_path, name, body):
    """A zip shaped like Ansible's module payload with one package module in it."""
    archive = tmp_path / name / "ansible_stat_payload.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("pkg/__init__.py", "")
        zipped.writestr("pkg/mod.py", body)
    return archive


def load(hook, archive):
    importer = hook._payload_importer(f"{archive}/pkg")
    return importer.get_code("pkg.mod")


def test_second_payload_with_the_same_source_runs_the_cached_code_under_its_own_name(hook, tmp_path):
    first = load(hook, payload(tmp_path, "one", "def answer():\n    return 42\n"))
    second_archive = payload(tmp_path, "two", "def answer():\n    return 42\n")
    second = load(hook, second_archive)

    assert len(os.listdir(hook._CACHE)) == 1
    assert first.co_code == second.co_code
    assert second.co_filename.startswith(str(second_archive))
    function = next(c for c in second.co_consts if hasattr(c, "co_filename"))
    assert function.co_filename == second.co_filename
    namespace = {}
    exec(second, namespace)  # noqa: S102 - the test's own source
    assert namespace["answer"]() == 42


def test_changed_source_is_compiled_again(hook, tmp_path):
    load(hook, payload(tmp_path, "one", "VALUE = 1\n"))
    code = load(hook, payload(tmp_path, "two", "VALUE = 2\n"))

    namespace = {}
    exec(code, namespace)  # noqa: S102 - the test's own source
    assert namespace["VALUE"] == 2
    assert len(os.listdir(hook._CACHE)) == 2


def test_a_cache_others_can_write_is_not_used(hook, tmp_path):
    os.makedirs(hook._CACHE, mode=0o700)
    os.chmod(hook._CACHE, 0o777)  # noqa: S103 - the unsafe case under test
    load(hook, payload(tmp_path, "one", "VALUE = 1\n"))

    assert os.listdir(hook._CACHE) == []


def test_other_paths_keep_the_default_importers(hook, tmp_path):
    with pytest.raises(ImportError):
        hook._payload_importer(str(tmp_path))

"""Run a module's main() in-process with given arguments and return its JSON result."""

import json

import pytest
from ansible.module_utils.testing import patch_module_args


class ModuleExit(Exception):
    pass


@pytest.fixture
def run_module(capsys):
    def run(main, args, check_mode=False, diff=False):
        if check_mode:
            args = dict(args, _ansible_check_mode=True)
        if diff:
            args = dict(args, _ansible_diff=True)
        with patch_module_args(args), pytest.raises(SystemExit) as exited:
            main()
        out = capsys.readouterr().out
        result = json.loads(out[out.index("{") :])
        result["rc"] = exited.value.code
        return result

    return run

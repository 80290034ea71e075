# Copyright: (c) 2026, fastops team
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Program that fastops.stack.venv_check runs with a release's *own* interpreter.

The request comes as JSON on stdin (distributions to look up, import targets), the answer is
written as JSON to ``result_path``, so whatever the app prints on import cannot garble it.
Only the standard library is used.
"""

import importlib
import json
import os
import sys
import traceback
from importlib import metadata


def distribution_versions(names):
    """Installed version of each distribution, None where it is missing."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def import_error(target):
    """Import module[:attribute]; None when it works, else the exception's last line."""
    module_name, _sep, attribute = target.partition(":")
    try:
        obj = importlib.import_module(module_name)
        for part in filter(None, attribute.split(".")):
            obj = getattr(obj, part)
    except BaseException as exc:  # SystemExit from a settings check counts as well
        lines = traceback.format_exception_only(type(exc), exc)
        return " ".join(line.strip() for line in lines if line.strip())[:2000]
    return None


def main():
    request = json.load(sys.stdin)
    # As gunicorn and uvicorn do: the app's directory (the working directory) comes first.
    sys.path.insert(0, os.getcwd())
    answer = {
        "distributions": distribution_versions(request.get("distributions", [])),
        "import_errors": {},
    }
    for target in request.get("imports", []):
        error = import_error(target)
        if error:
            answer["import_errors"][target] = error
    with open(request["result_path"], "w", encoding="utf-8") as result_file:
        json.dump(answer, result_file)


if __name__ == "__main__":
    main()

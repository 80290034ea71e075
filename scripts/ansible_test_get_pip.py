"""Stand-in for pypa's get-pip.py, which ansible-test downloads from a host that closed
networks cannot reach (ansible/ansible#77304 suggests saving it by hand). Same contract:
install pip plus the listed packages into the running interpreter, offline-friendly
because the first pip comes from the interpreter's own ensurepip wheel."""

import ensurepip
import os
import subprocess
import sys

GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"

# ansible-test runs this with a scrubbed environment; keep trusting the system's CAs
# (TLS-intercepting proxies add theirs there) rather than only pip's bundled ones.
env = dict(os.environ)
if "PIP_CERT" not in env and os.path.exists(SYSTEM_BUNDLE):
    env["PIP_CERT"] = SYSTEM_BUNDLE

ensurepip.bootstrap(upgrade=True)
args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
subprocess.check_call([sys.executable, "-m", "pip", "install", *args], env=env)

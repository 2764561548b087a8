"""Offline bootstrap for ansible-test's sanity virtualenvs.

ansible-test downloads a get-pip script from a CI file server that this project's machines cannot reach; it
accepts a cached copy instead. This one uses the standard library's ensurepip, then installs the packages
ansible-test asks for from PyPI.
"""

import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
packages = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
if packages:
    subprocess.check_call([sys.executable, "-m", "pip", "install", *packages])

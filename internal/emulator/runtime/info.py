"""Prints the interpreter's version and installed distributions as JSON,
for the emulator's /metadata (see PythonFactory.Info)."""

import importlib.metadata
import json
import platform

packages = {}
for dist in importlib.metadata.distributions():
    name = dist.metadata["Name"]
    if name and name.lower() not in packages:
        packages[name.lower()] = [name, dist.version]
try:
    import IPython
    ipython = IPython.__version__
except Exception:
    ipython = ""
print(json.dumps({
    "version": platform.python_version(),
    "ipython": ipython,
    "packages": [packages[k] for k in sorted(packages)],
}))

"""Print every dependency pyproject.toml declares (runtime and dev), one per line, for `make lock`."""

import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
for dep in project["dependencies"] + project["optional-dependencies"]["dev"]:
    print(dep)

"""Print pip constraints that pin every declared dependency to its lowest declared version.

``scrapy>=2.13`` becomes ``scrapy==2.13``, so ``pip install -c`` of this output
installs the floors the project claims to support (the test extra included),
the way Scrapy's own ``min`` test environments do.

Usage: ``python .ci/floors.py [pyproject.toml] > floors.txt``
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_FLOOR = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(.*)$")


def floor(requirement: str) -> str | None:
    """The ``name==X`` pin of a requirement's ``>=X`` bound (None when it declares no floor).

    :param requirement: one PEP 508 requirement, such as ``gne>=0.4.3,<0.5``.
    """
    match = _FLOOR.match(requirement.split(";", 1)[0])
    if not match:
        raise ValueError(f"cannot read requirement {requirement!r}")
    name, spec = match.groups()
    lows = [part.strip()[2:].strip() for part in spec.split(",") if part.strip().startswith(">=")]
    return f"{name}=={lows[0]}" if lows else None


def floors(pyproject: Path, extras: tuple[str, ...] = ("test",)) -> list[str]:
    """Pins for the project's dependencies and the given extras.

    :param pyproject: the pyproject.toml to read.
    :param extras: optional-dependency groups to pin as well.
    """
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for extra in extras:
        requirements += project.get("optional-dependencies", {}).get(extra, [])
    return [pin for pin in map(floor, requirements) if pin]


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "pyproject.toml")
    print("\n".join(floors(path)))

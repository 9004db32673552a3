"""The archive library stores and reads; it never imports extraction (pages/, assemble)."""

from __future__ import annotations

import ast
import pytest

from .conftest import ROOT

ARCHIVE = ROOT / "g60crawler" / "archive"
FORBIDDEN = ("g60crawler.pages", "g60crawler.assemble")


def imported_modules(source: str, package: list[str]) -> set[str]:
    """Every module a file's source imports, relative imports resolved against its package."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # from .. import assemble
    return found


@pytest.mark.parametrize("path", sorted(ARCHIVE.glob("*.py")), ids=lambda p: p.name)
def test_archive_does_not_import_extraction(path):
    package = ["g60crawler", *path.relative_to(ROOT / "g60crawler").parent.parts]
    bad = sorted(m for m in imported_modules(path.read_text(encoding="utf-8"), package) if m.startswith(FORBIDDEN))
    assert bad == []


def test_the_scan_sees_relative_imports():
    """The checker itself: each way of importing extraction from inside archive/ is caught."""
    sample = "from ..pages.article import extract_raw\nfrom .. import assemble\nimport g60crawler.pages\n"
    found = imported_modules(sample, ["g60crawler", "archive"])
    assert {"g60crawler.pages.article", "g60crawler.assemble", "g60crawler.pages"} <= found

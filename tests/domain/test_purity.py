"""The domain imports nothing from web, DB, files or third-party libraries (architecture rule 1)."""

import ast
import sys
from pathlib import Path

import onshi.domain

DOMAIN = Path(onshi.domain.__file__).parent
ALLOWED_STDLIB = {
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "enum",
    "functools",
    "re",
    "typing",
    "unicodedata",
    "itertools",
    "math",
    "decimal",
    "abc",
    "calendar",
    "hashlib",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_imports_only_the_standard_library_and_itself() -> None:
    offending = {}
    for path in DOMAIN.rglob("*.py"):
        bad = {
            name
            for name in _imports(path)
            if not name.startswith("onshi.domain") and name.split(".")[0] not in ALLOWED_STDLIB
        }
        if bad:
            offending[path.name] = sorted(bad)
    assert offending == {}
    assert all(name in sys.stdlib_module_names or name == "__future__" for name in ALLOWED_STDLIB)

"""The apps depend one way: core ← villages ← dispatch ← secretaries ← tenure ← reports; who may do what
is decided by the capability table (dispatch/roles.py), not by role sets in views.

Read from the source, not the running process: an import inside a function counts as much as
one at the top of a module.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app, and the apps it may import; ``dispatch`` is also the project package (settings,
# URLs, the capability table), which the later apps read.
LAYERS = ["core", "villages", "dispatch", "secretaries", "tenure", "reports"]


def imported_apps(package: str) -> dict[str, set[str]]:
    """Every module of ``package`` → the project apps it imports."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names & set(LAYERS)
    return found


@pytest.mark.parametrize("package", LAYERS)
def test_an_app_imports_only_the_apps_before_it(package):
    allowed = set(LAYERS[: LAYERS.index(package) + 1])
    wrong = {module: sorted(apps - allowed) for module, apps in imported_apps(package).items() if apps - allowed}
    assert wrong == {}


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "x.py").write_text("def f():\n    from dispatch.roles import can\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert imported_apps("core") == {"core/x.py": {"dispatch"}}


def role_sets(path: Path) -> list[int]:
    """Lines of ``path`` where a set, tuple or list literal names a role (``{Role.UNIT, …}``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Set | ast.Tuple | ast.List):
            if any(isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id == "Role" for e in node.elts):
                lines.append(node.lineno)
    return lines


def test_no_view_module_decides_by_a_set_of_roles():
    views = [p for package in LAYERS for p in (ROOT / package).rglob("*views*.py")]
    assert views
    assert {str(p.relative_to(ROOT)): role_sets(p) for p in views if role_sets(p)} == {}

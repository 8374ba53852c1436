"""The layout holds: imports point down the layers, no module imports itself in a circle, modules stay short.

Every module under ``amkit/`` is parsed (nothing is imported), and every import
it can execute counts: top-level, inside functions, and ``importlib.import_module``
with a literal name. Only imports under ``if TYPE_CHECKING:`` are left out, as
they never run.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import amkit
from amkit.deps.graph import cycles

PACKAGE = Path(amkit.__file__).parent

#: The layers, bottom first. A module may import its own folder and anything in a lower layer;
#: the package's own ``__init__`` and ``__main__`` (the façade) may import anything.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "bulk", "defaults", "jsontext", "limits", "markup", "slotted"}),
    frozenset({"powershell"}),
    frozenset({"package"}),
    frozenset({"deps", "samples"}),
    frozenset({"checks"}),
    frozenset({"account"}),
    frozenset({"charts"}),
    frozenset({"cli", "widgets"}),
)
FACADE = frozenset({"", "__main__"})
MAX_LINES = 500


def module_files(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root`` by dotted name (the sample modules' own sources left out).

    A compiled module counts by its ``.pyi`` stub.
    """
    modules = {}
    sources = [*root.rglob("*.py"), *(stub for stub in root.rglob("*.pyi") if not stub.with_suffix(".py").exists())]
    for path in sorted(sources):
        if (root / "samples" / "modules") in path.parents:
            continue
        parts = path.relative_to(root.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """The nodes that can run: everything but the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                stack.extend(child.orelse)
            else:
                stack.append(child)


def imported_names(name: str, path: Path, package: str) -> set[str]:
    """What module ``name`` imports when it runs: dotted names of modules or of names in them, in ``package``."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    found = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[: len(here) - node.level + 1]) if node.level else ""
            target = ".".join(part for part in (base, node.module or "") if part)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) in ("importlib.import_module", "import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return {item for item in found if item == package or item.startswith(package + ".")}


def _imported_module(name: str, modules: dict[str, Path]) -> str:
    """The module an imported name runs: ``amkit.package.archive.Entry`` -> ``amkit.package.archive``."""
    while name not in modules:
        name = name.rpartition(".")[0]
    return name


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules it makes Python run, including the packages (``__init__``) above each.

    Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first, unless the
    importer is inside them already (they are then running, as its parents). The
    package itself (the façade) shows up only where a module imports from it.
    """
    modules = module_files(root)
    graph = {}
    for name, path in modules.items():
        parents = {".".join(name.split(".")[:depth]) for depth in range(1, name.count(".") + 2)}
        edges = set()
        for imported in imported_names(name, path, root.name):
            target = _imported_module(imported, modules)
            parts = target.split(".")
            edges.add(target)
            edges.update(
                ".".join(parts[:depth]) for depth in range(2, len(parts)) if ".".join(parts[:depth]) not in parents
            )
        graph[name] = edges - {name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles, each in name order, found by amkit's own graph code (tested in test_graph.py)."""
    return cycles(dict(sorted(graph.items())))


def _area(name: str) -> str:
    """The folder (or base module) a module belongs to: ``amkit.deps.plan`` -> ``deps``."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_of(area: str, layers: tuple[frozenset[str], ...]) -> int:
    """The layer an area sits in; an area no layer names fails the test, so new folders get placed."""
    for number, members in enumerate(layers):
        if area in members:
            return number
    raise AssertionError(f"amkit/{area} is in no layer: add it to LAYERS in {Path(__file__).name}")


def upward_imports(graph: dict[str, set[str]], layers: tuple[frozenset[str], ...]) -> list[str]:
    """Each import that points up the layers or sideways into another area of the same layer."""
    wrong = []
    for importer, targets in sorted(graph.items()):
        area = _area(importer)
        if area in FACADE:
            continue
        for target in sorted(targets):
            other = _area(target)
            if other == area:
                continue
            if other in FACADE or layer_of(other, layers) >= layer_of(area, layers):
                wrong.append(f"{importer} imports {target}")
    return wrong


# ---- amkit itself ----------------------------------------------------------------------------------------------


def test_no_module_imports_itself_in_a_circle() -> None:
    assert circles(import_graph(PACKAGE)) == []


def test_imports_point_down_the_layers() -> None:
    assert upward_imports(import_graph(PACKAGE), LAYERS) == []


def test_every_folder_and_base_module_has_a_layer() -> None:
    areas = {_area(name) for name in module_files(PACKAGE)} - FACADE
    for area in areas:
        layer_of(area, LAYERS)


def test_each_folder_says_what_lives_there_and_what_it_may_import() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        opening = " ".join(docstring.split("\n\n")[:2])
        assert "may import" in opening, f"{init}: its docstring must open by saying what lives there and may import"


def test_no_module_is_longer_than_the_limit() -> None:
    long = {
        name: n for name, path in module_files(PACKAGE).items() if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_front_ends_load_on_first_use_after_a_plain_import() -> None:
    script = (
        "import sys, amkit\n"
        "assert 'matplotlib' not in sys.modules and 'ipywidgets' not in sys.modules\n"
        "assert {'charts', 'widgets'} <= set(dir(amkit))\n"
        "print(amkit.widgets.PackageExplorer.__name__, amkit.charts.import_timeline.__name__)\n"
        "[getattr(amkit, name) for name in amkit.__all__]\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["PackageExplorer", "import_timeline"]


# ---- the checker finds what it must ----------------------------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / "amkit" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root / "amkit"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"__init__.py": "", "a.py": "from amkit import b\n", "b.py": "def f():\n    import amkit.a\n"},
            [["amkit.a", "amkit.b"]],
            id="function-level-import",
        ),
        pytest.param(
            {
                "__init__.py": "",
                "p/__init__.py": "from amkit.p.x import X\n",
                "p/x.py": "X = 1\n",
                "q/__init__.py": "",
                "q/y.py": "from amkit.p.x import X\n",
                "p/z.py": "import importlib\nimportlib.import_module('amkit.q.y')\n",
            },
            [],
            id="parent-package-runs-first-but-no-circle",
        ),
        pytest.param(
            {
                "__init__.py": "",
                "p/__init__.py": "from amkit.p.z import Z\n",
                "p/z.py": "import importlib\nZ = importlib.import_module('amkit.q.y')\n",
                "q/__init__.py": "",
                "q/y.py": "from amkit.p.x import X\n",
                "p/x.py": "X = 1\n",
            },
            [["amkit.p", "amkit.p.z", "amkit.q.y"]],
            id="circle-through-a-package-init",
        ),
        pytest.param(
            {
                "__init__.py": "",
                "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from amkit.b import B\n",
                "b.py": "from amkit.a import A\n",
            },
            [],
            id="type-checking-only",
        ),
    ],
)
def test_the_circle_check_sees_every_kind_of_import(tmp_path: Path, files: dict[str, str], expected) -> None:
    assert circles(import_graph(_write(tmp_path, files))) == expected


def test_the_layer_check_refuses_upward_and_sideways_imports(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "__init__.py": "from amkit.widgets import w\n",
            "errors.py": "",
            "package/__init__.py": "",
            "package/reader.py": "from amkit.errors import E\n\ndef show():\n    from amkit.widgets.html import h\n",
            "widgets/__init__.py": "",
            "widgets/html.py": "from amkit.package.reader import show\nfrom amkit.cli import main\n",
            "cli/__init__.py": "",
        },
    )
    assert upward_imports(import_graph(root), LAYERS) == [
        "amkit.package.reader imports amkit.widgets",
        "amkit.package.reader imports amkit.widgets.html",
        "amkit.widgets.html imports amkit.cli",
    ]

"""The package's layout: the pipeline's layers import downwards only, with no import circles."""

from __future__ import annotations

import ast
from pathlib import Path

import samverkan

PACKAGE = Path(samverkan.__file__).parent


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, known: set[str], everywhere: bool = False) -> set[str]:
    """The samverkan modules a module imports at module level (also under `if TYPE_CHECKING:`, a
    circle all the same), including `from package import submodule`; `everywhere`: inside its
    functions too (an import put off until a call is a circle all the same)."""
    result = set()
    top = ast.parse(path.read_text(encoding="utf-8")).body
    nodes = list(ast.walk(ast.Module(body=top, type_ignores=[]))) if everywhere else \
        top + [inner for node in top if isinstance(node, ast.If) for inner in node.body]
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("samverkan"):
            result.add(node.module)
            result |= {f"{node.module}.{alias.name}" for alias in node.names if f"{node.module}.{alias.name}" in known}
        elif isinstance(node, ast.Import):
            result |= {alias.name for alias in node.names if alias.name.startswith("samverkan")}
    return result & known


def test_no_module_imports_itself_through_others():
    graph = {name: imports(path, set(modules()), everywhere=True) for name, path in modules().items()}
    # a package's __init__ importing its own modules is how packages export; not a circle
    graph = {name: {d for d in deps if d != name and not d.startswith(name + ".")} for name, deps in graph.items()}
    cycles, done = [], set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            cycles.append(" → ".join(trail[trail.index(name):] + [name]))
            return
        if name in done:
            return
        for dep in sorted(graph.get(name, ())):
            visit(dep, trail + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert cycles == []


def test_lower_layers_never_import_higher_ones():
    graph = {name: imports(path, set(modules())) for name, path in modules().items()}
    layers = ["samverkan.content", "samverkan.rules", "samverkan.render", "samverkan.ooxml", "samverkan.writers",
              "samverkan.targets", "samverkan.build"]
    for index, layer in enumerate(layers):
        higher = layers[index + 1:] + ["samverkan.cli", "samverkan.revisions", "samverkan.scaffold"]
        for name, deps in graph.items():
            if name == layer or name.startswith(layer + "."):
                wrong = {d for d in deps if any(d == h or d.startswith(h + ".") for h in higher)}
                assert not wrong, f"{name} imports {wrong}"

"""The code's shape, as docs/ and the style guide promise it: small functions,
modules that never import back up into the package, page modules that never
import each other."""

import ast
from pathlib import Path

from kneeaid.extensions import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "kneeaid"
LONGEST_FUNCTION = 40  # lines


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_no_function_is_longer_than_40_lines():
    long = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > LONGEST_FUNCTION:
                    long.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []


def imported_modules(path):
    """The kneeaid modules a module imports, as dotted names ("kneeaid.triage")."""
    package = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part) if node.level else node.module
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                is_module = (PROJECT_ROOT / Path(*candidate.split("."))).with_suffix(".py").exists() or \
                    (PROJECT_ROOT / Path(*candidate.split("."))).is_dir()
                found.append(candidate if is_module else module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return [name for name in found if name == "kneeaid" or name.startswith("kneeaid.")]


def test_no_module_imports_the_package_itself():
    offenders = {str(path.relative_to(PROJECT_ROOT)): imported
                 for path in modules() if path.name != "__init__.py" or path.parent != PACKAGE
                 for imported in [[name for name in imported_modules(path) if name == "kneeaid"
                                   or (name == "kneeaid.diary" and path.parent.name == "diary")]]
                 if imported}
    assert offenders == {}


def dotted(path):
    return ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)


def test_no_blueprint_module_imports_another():
    """A module with a blueprint (a page, the API, the service worker...) takes
    shared words and rules from plain modules (triage, languages, timer_limits,
    diary/entries...), never from another blueprint's module."""
    blueprint_modules = {dotted(path) for path in modules() if "Blueprint(" in path.read_text(encoding="utf-8")}
    assert len(blueprint_modules) >= 8
    offenders = [f"{dotted(path)} imports {name}" for path in modules() if dotted(path) in blueprint_modules
                 for name in imported_modules(path) if name in blueprint_modules and name != dotted(path)]
    assert offenders == []

"""The code's shape, as docs/architecture.md and the style guide promise it:
small functions, modules that never import back up into their package, page
modules that never import each other, and the layout's layers: feature
packages on top of shared layers that never import a feature."""

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
                is_module = (PROJECT_ROOT / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                    PROJECT_ROOT / Path(*candidate.split("."))
                ).is_dir()
                found.append(candidate if is_module else module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return [name for name in found if name == "kneeaid" or name.startswith("kneeaid.")]


def enclosing_packages(path):
    """The dotted names of the packages a module sits in ("kneeaid", "kneeaid.speed")."""
    parts = path.relative_to(PROJECT_ROOT).parts[:-1]
    return {".".join(parts[:end]) for end in range(1, len(parts) + 1)}


def test_no_module_imports_a_package_it_sits_in():
    """flaskr's modules never import the package itself: a package's __init__
    imports its modules, never the other way round."""
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): imported
        for path in modules()
        for imported in [
            [
                name
                for name in imported_modules(path)
                if name in enclosing_packages(path) and path != PACKAGE / "__init__.py"
            ]
        ]
        if imported
    }
    assert offenders == {}


# The layout is the architecture: shared layers, each importing only those before it, then the
# features, which may import any shared layer and each other's plain modules (check.triage,
# timer.limits), never each other's blueprint modules. backends.py and __init__.py wire them up.
SHARED_LAYERS = {  # layer: the layers it may import
    "kneeaid.extensions": set(),
    "kneeaid.storage": {"kneeaid.extensions"},
    "kneeaid.speed": {"kneeaid.extensions"},
    "kneeaid.i18n": {"kneeaid.extensions", "kneeaid.speed"},
    "kneeaid.web": {"kneeaid.extensions", "kneeaid.speed", "kneeaid.i18n"},
}
FEATURES = {
    "kneeaid.guide",
    "kneeaid.timer",
    "kneeaid.check",
    "kneeaid.diary",
    "kneeaid.alarms",
    "kneeaid.pwa",
    "kneeaid.training",
}
WIRING = {"kneeaid", "kneeaid.backends"}


def part_of(dotted_name):
    """The layer, feature or wiring module a dotted name belongs to."""
    parts = dotted_name.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else dotted_name


def test_every_module_is_in_a_layer_or_a_feature():
    parts = {part_of(dotted(path).removesuffix(".__init__")) for path in modules()}
    assert parts == set(SHARED_LAYERS) | FEATURES | WIRING
    assert all(
        (PACKAGE / name.split(".")[1] / "__init__.py").exists()
        for name in FEATURES | set(SHARED_LAYERS)
        if name != "kneeaid.extensions"
    )


def test_shared_layers_import_only_the_layers_before_them():
    offenders = []
    for path in modules():
        layer = part_of(dotted(path).removesuffix(".__init__"))
        if layer not in SHARED_LAYERS:
            continue
        for name in imported_modules(path):
            if part_of(name) != layer and part_of(name) not in SHARED_LAYERS[layer]:
                offenders.append(f"{dotted(path)} imports {name}")
    assert offenders == []


def test_only_the_wiring_imports_the_backends_and_nothing_imports_the_wiring():
    offenders = [
        f"{dotted(path)} imports {name}"
        for path in modules()
        if path != PACKAGE / "__init__.py"
        for name in imported_modules(path)
        if name in WIRING
    ]
    assert offenders == []


def dotted(path):
    return ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)


def test_no_blueprint_module_imports_another():
    """A module with a blueprint (a page, the API, the service worker...) takes
    shared words and rules from plain modules (check.triage, i18n.languages,
    timer.limits, diary.kinds...), never from another blueprint's module."""
    blueprint_modules = {dotted(path) for path in modules() if "Blueprint(" in path.read_text(encoding="utf-8")}
    assert len(blueprint_modules) >= 8
    offenders = [
        f"{dotted(path)} imports {name}"
        for path in modules()
        if dotted(path) in blueprint_modules
        for name in imported_modules(path)
        if name in blueprint_modules and name != dotted(path)
    ]
    assert offenders == []

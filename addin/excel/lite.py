"""`kpi addin lite`: main.py and requirements.txt for xlwings Lite.

xlwings Lite runs Python (Pyodide) inside Excel on Windows, macOS and the web, with one
``main.py`` and a ``requirements.txt`` and no local Python; it cannot pip-install this
package. So main.py embeds the source of the ``udfs`` package modules that
``udfs.excel_functions`` needs (engine, enums, errors, conversion, the KPI_* functions),
found by following their relative imports and copied verbatim at build time - it can never
drift from the engine. They are loaded as real modules of a private package ``kpi_udfs``,
and the KPI_* functions are re-exported, decorated with Lite's own ``func``/``arg``.
Tables of FORMAT.md (headers, finding codes) are generated from ``addin.contract.schema`` and
``addin.contract.findings``; the workbook scripts (validate, refresh scores) come from
``addin/excel/data/lite_scripts.py``.

In plain CPython, main.py imports and computes too: xlwings' decorators are no-ops off
Excel, and without xlwings a stub provides them.
"""

from __future__ import annotations

import ast
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import xlwings

import udfs
from addin.contract import findings, schema
from addin.contract.errors import KpiError
from addin.contract.messages import CATALOG, Message
from addin.xlsx.atomic import atomic_path
from addin.xlsx.output import check_output_files, check_output_folder

PACKAGE = "kpi_udfs"
ENTRY_MODULE = "excel_functions"
SCRIPTS = Path(__file__).with_name("data") / "lite_scripts.py"
LITE_REQUIREMENTS = ("numpy",)
LITE_FILES = ("main.py", "requirements.txt")
# The catalog texts main.py carries (keyed without the "ribbon." prefix): every word the scripts show.
LITE_TEXTS = ("ribbon.highlight_failed", "ribbon.protected_hint", "ribbon.alert_failed", "ribbon.results_sheet",
              *(f"ribbon.results.{c}" for c in ("severity", "code", "sheet", "cell", "message")),
              *(f"ribbon.{n}{one}" for n in ("n_errors", "n_warnings", "n_infos") for one in ("", "_one")),
              *(f"cli.severity.{s}" for s in ("error", "warning", "info")),
              "checks.rating_range", "files.no_kpi_table", "ribbon.tab")  # provided by Pyodide: never pin


def udfs_dir() -> Path:
    return Path(udfs.__file__).parent


def module_order(entry: str = ENTRY_MODULE, root: Path | None = None) -> list[str]:
    """The udfs modules ``entry`` needs, dependencies first (from their relative imports)."""
    root = root or udfs_dir()
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise KpiError("lite_udfs", problem=Message("errors.lite_udfs.cycle", name=name))
        path = root / f"{name}.py"
        if not path.is_file():
            raise KpiError("lite_udfs", problem=Message("errors.lite_udfs.missing", name=name))
        visiting.add(name)
        for dep in _relative_imports(path.read_text(encoding="utf-8")):
            visit(dep)
        visiting.discard(name)
        order.append(name)

    visit(entry)
    return order


def _relative_imports(source: str) -> list[str]:
    """Sibling modules named by ``from . import x`` / ``from .x import y`` / ``from udfs.x import y``."""
    deps = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                deps.append(node.module.split(".")[0])
            elif node.level == 1:
                deps += [alias.name for alias in node.names]
            elif node.level == 0 and node.module and node.module.split(".")[0] == "udfs":
                parts = node.module.split(".")
                deps += [parts[1]] if len(parts) > 1 else [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "udfs" and "." in alias.name:
                    deps.append(alias.name.split(".")[1])
    return deps


def _literal(source: str) -> str:
    """A Python literal for ``source``: a readable raw triple-quoted string when possible."""
    if "'''" not in source and not source.endswith("\\"):
        return "r'''" + source + "'''"
    return repr(source)


def exported_functions(source: str) -> list[str]:
    """Names of the top-level functions of excel_functions decorated with ``func``."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if (isinstance(target, ast.Name) and target.id == "func") or \
                        (isinstance(target, ast.Attribute) and target.attr == "func"):
                    names.append(node.name)
    return names


HEADER = '''\
"""kpi-scorecard for xlwings Lite: the KPI_* functions and the workbook scripts.

Generated by `kpi addin lite` (kpi-scorecard {version}) from the udfs package: {modules}.
Do not edit by hand; run `kpi addin lite -o DIR` again after upgrading kpi-scorecard.

Custom functions: {functions}.
Scripts (Run buttons in the xlwings Lite editor): validate, refresh_scores.
"""

from __future__ import annotations

import sys as _sys
import types as _types

try:
    import xlwings as xw
    from xlwings import arg, func, ret, script
except ImportError:  # plain Python without xlwings: the decorators change nothing
    xw = None

    def _passthrough(f=None, *args, **kwargs):
        return f if callable(f) else (lambda g: g)

    def _configure(*args, **kwargs):
        return lambda g: g

    func = script = _passthrough
    arg = ret = _configure
    _stub = _types.ModuleType("xlwings")
    _stub.func, _stub.script, _stub.arg, _stub.ret = func, script, arg, ret
    if _sys.modules.get("xlwings") is None:
        _sys.modules["xlwings"] = _stub

# The modules of the udfs package, verbatim, dependencies first.
_SOURCES = {{
'''

LOADER = '''\
}}


def _load(package, sources):
    """Execute the embedded sources as the modules of ``package`` (relative imports work).

    Always afresh: xlwings Lite re-runs main.py after an edit, and the new sources must win.
    """
    root = _types.ModuleType(package)
    root.__path__ = []
    _sys.modules[package] = root
    modules = {{}}
    for name, source in sources.items():
        module = _types.ModuleType(f"{{package}}.{{name}}")
        module.__package__ = package
        module.__file__ = f"<{{package}}/{{name}}.py>"
        _sys.modules[module.__name__] = module
        exec(compile(source, module.__file__, "exec"), module.__dict__)
        setattr(root, name, module)
        modules[name] = module
    return modules


_modules = _load("{package}", _SOURCES)
engine = _modules["engine"]
KpiInputError = _modules["errors"].KpiInputError
METHOD = _modules["enums"].METHOD
VETO = _modules["enums"].VETO
ENUM_KPI = {enum_kpi}

# The custom functions: the same objects as udfs.excel_functions, so the same numbers.
{exports}

# FORMAT.md, generated from addin.contract.schema and addin.contract.findings.
TABLES = {tables}
HEADER_LABELS = {header_labels}
CAP_NAME = {cap_name!r}
REQUIRED_KPI = {required}
NUMBER_KPI = {numbers}
FINDING_CODES = {codes}
# What a script could not do in Excel (addin/contract/messages/ribbon.py): {{key: (zh, en)}}.
TEXTS = {texts}

'''


def main_py() -> str:
    """The text of main.py."""
    root = udfs_dir()
    order = module_order(root=root)
    sources = {name: (root / f"{name}.py").read_text(encoding="utf-8") for name in order}
    functions = exported_functions(sources[ENTRY_MODULE])
    if not functions:
        raise KpiError("lite_udfs", problem=Message("errors.lite_udfs.no_functions"))
    try:
        package_version = version("kpi-scorecard")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        package_version = "dev"
    parts = [HEADER.format(version=package_version, modules=", ".join(f"{m}.py" for m in order),
                           functions=", ".join(functions))]
    for name, source in sources.items():
        parts.append(f"    {name!r}: {_literal(source)},\n")
    tables = {t.name: [(c.key, c.zh, c.en) for c in t.columns] for t in schema.SCORECARD_TABLES}
    enum_kpi = "{" + ", ".join(f"{c.key!r}: _modules['enums'].{c.enum.name.upper()}"
                               for c in schema.KPI.columns if c.enum is not None) + "}"
    parts.append(LOADER.format(
        package=PACKAGE,
        enum_kpi=enum_kpi,
        exports="\n".join(f"{name} = _modules[{ENTRY_MODULE!r}].{name}" for name in functions),
        tables=_pretty(tables),
        header_labels=_pretty({n.name: (n.zh, n.en) for n in schema.DEFINED_NAMES}),
        cap_name=schema.CAP_NAME,
        required=repr(tuple(c.key for c in schema.KPI.columns if c.required)),
        numbers=repr(tuple(c.key for c in schema.KPI.columns if c.kind == "number")),
        codes=_pretty({c.code: (c.severity, c.en, c.zh) for c in findings.CODES.values()}),
        texts=_pretty({key.removeprefix("ribbon."): (text.zh, text.en) for key, text in CATALOG.items()
                       if key in LITE_TEXTS or key.startswith("ribbon.lite.")}),
    ))
    parts.append(SCRIPTS.read_text(encoding="utf-8"))
    return "".join(parts)


def _pretty(value) -> str:
    """A dict literal with one entry per line."""
    items = ",\n".join(f"    {k!r}: {v!r}" for k, v in value.items())
    return "{\n" + items + ",\n}"


def requirements_txt() -> str:
    lines = ["# xlwings Lite: pure-Python packages may be pinned; Pyodide's own (numpy) must not be.",
             f"xlwings=={xlwings.__version__}", *LITE_REQUIREMENTS]
    return "\n".join(lines) + "\n"


def write_lite(output_dir: str | Path, force: bool = False) -> list[Path]:
    """Write main.py and requirements.txt into ``output_dir``; returns their paths.

    The folder and both files go through the one output check (:mod:`addin.xlsx.output`,
    UsageError): existing files (a main.py the user may have edited) are replaced only if
    ``force``; either both files are written or, when one of them is in the way, neither.
    """
    output_dir = check_output_folder(output_dir)
    check_output_files([output_dir / name for name in LITE_FILES], force=force)
    files = tuple(zip(LITE_FILES, (main_py(), requirements_txt())))
    written = []
    for name, text in files:
        with atomic_path(output_dir / name) as temp:
            temp.write_text(text, encoding="utf-8")
        written.append(output_dir / name)
    return written


__all__ = ["main_py", "requirements_txt", "write_lite", "module_order", "exported_functions"]

"""Registration of the KPI_* functions with the real classic xlwings decorators.

On Linux ``xlwings.func/arg/ret`` are no-ops. The Windows add-in uses
``xlwings.udfs.xlfunc/xlarg/xlret``, which import pythoncom, pywintypes and
win32com.client at import time: those are stubbed here (and removed again after
the test), the UDF module's source is executed under a fresh name with the real
decorators, and the metadata and the VBA wrapper xlwings would import into the
add-in are checked. This relies on xlwings internals, hence the exact pin.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import io
import re
import sys
import types

import pytest
import xlwings

import udfs.excel_functions as plain_module

MODULE_NAME = "udfs.excel_functions"  # the "UDF Modules" setting of the add-in

EXPECTED_SIGNATURES = {
    "KPI_SCORE": (["actual", "target"],
                  {"threshold": None, "stretch": None, "direction": "higher", "method": "linear",
                   "param": None, "cap": 120}),
    "KPI_ACHIEVEMENT": (["actual", "target"], {"direction": "higher"}),
    "KPI_WEIGHTED": (["scores", "weights"], {}),
    "KPI_REVIEW": (["ratings", "roles"], {"role_weights": None}),
    "KPI_FINAL": (["quant", "qual"], {"quant_weight": 0.8}),
    "KPI_GRADE": (["score"], {"bands": None, "veto": False}),
    "KPI_FORCED_GRADE": (["ids", "finals"], {"quants": None, "quotas": None}),
    "KPI_BONUS": (["grade", "base"], {"coefficients": None, "pool": None}),
}

# MS-VBAL reserved identifiers: none may be an argument name of the generated VBA function
VBA_RESERVED = set("""abs addressof and any as attribute boolean byref byte byval call case cbool cbyte ccur cdate
cdbl cdec cint clng clnglng clngptr const csng cstr currency cvar cverr date debug decimal declare defbool defbyte
defcur defdate defdbl defdec defint deflng deflnglng deflngptr defobj defsng defstr defvar dim do doevents double
each else elseif empty end endif enum eqv erase error event exit false fix for friend function get global gosub
goto if imp implements in input inputb int integer is lbound len lenb let like lineinput lock long longlong longptr
loop lset me mid mod new next not nothing null object on open option optional or paramarray preserve print private
pset public put raiseevent redim rem resume return rset scale seek select set sgn shared single spc static stop
string sub tab then to true type typeof ubound unlock until variant wend while with withevents write xor""".split())


@contextlib.contextmanager
def classic_decorators():
    """Yield ``(xlwings.udfs, the UDF module decorated by it)``; restore everything on exit."""
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = type("com_error", (Exception,), {})
    win32com = types.ModuleType("win32com")
    win32com_client = types.ModuleType("win32com.client")
    win32com_client.Dispatch = lambda *args, **kwargs: None
    win32com.client = win32com_client
    had_udfs = "xlwings.udfs" in sys.modules
    with pytest.MonkeyPatch.context() as patch:
        for name, module in (("pythoncom", pythoncom), ("pywintypes", pywintypes), ("win32com", win32com),
                             ("win32com.client", win32com_client)):
            patch.setitem(sys.modules, name, module)
        xlwings_udfs = importlib.import_module("xlwings.udfs")
        try:
            patch.setattr(xlwings, "func", xlwings_udfs.xlfunc)
            patch.setattr(xlwings, "arg", xlwings_udfs.xlarg)
            patch.setattr(xlwings, "ret", xlwings_udfs.xlret)
            spec = importlib.util.spec_from_file_location("udfs._excel_functions_registered", plain_module.__file__)
            registered = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(registered)  # relative imports resolve against the real udfs package
            yield xlwings_udfs, registered
        finally:
            xlwings_udfs.com_executor.shutdown(wait=False)
            if not had_udfs:
                sys.modules.pop("xlwings.udfs", None)
                if hasattr(xlwings, "udfs"):
                    delattr(xlwings, "udfs")


@pytest.fixture
def classic():
    with classic_decorators() as pair:
        yield pair


@pytest.fixture
def registered(classic):
    return classic[1]


@pytest.fixture
def xlwings_udfs(classic):
    return classic[0]


def test_the_stubs_leave_no_trace():
    """Other tests keep the plain no-op decorators and see no stub Windows modules."""
    before = {name: sys.modules.get(name) for name in ("pythoncom", "pywintypes", "win32com.client", "xlwings.udfs")}
    plain_func = xlwings.func
    with classic_decorators() as (_, registered):
        assert sys.modules["pythoncom"] is not before["pythoncom"]
        assert hasattr(registered.KPI_SCORE, "__xlfunc__")
    assert {name: sys.modules.get(name) for name in before} == before
    assert xlwings.func is plain_func
    assert not hasattr(plain_module.KPI_SCORE, "__xlfunc__")


def test_every_udf_is_registered_with_its_signature(registered):
    names = sorted(name for name in dir(registered) if hasattr(getattr(registered, name), "__xlfunc__"))
    assert names == sorted(EXPECTED_SIGNATURES)
    for name, (required, optional) in EXPECTED_SIGNATURES.items():
        meta = getattr(registered, name).__xlfunc__
        assert meta["name"] == name
        assert meta["category"] == "KPI"
        assert meta["sub"] is False and meta["volatile"] is False and meta["async_mode"] is None
        assert [a["name"] for a in meta["args"]] == required + list(optional)
        for info in meta["args"]:
            if info["name"] in optional:
                assert info["optional"] == optional[info["name"]], (name, info["name"])
            else:
                assert "optional" not in info, (name, info["name"])
            assert not info["vararg"] and info["vba"] is None
            # every argument is read as a 2-D range with Excel errors as text
            assert info["options"] == {"ndim": 2, "err_to_str": True}, (name, info["name"])
        assert meta["ret"]["options"] == {}


def test_docs_are_written_for_the_function_wizard(registered):
    for name in EXPECTED_SIGNATURES:
        meta = getattr(registered, name).__xlfunc__
        doc = meta["ret"]["doc"]
        assert doc == getattr(plain_module, name).__doc__
        assert 20 < len(doc) <= 255, name  # Excel's MacroOptions Description limit
        for info in meta["args"]:
            assert not info["doc"].startswith("Positional argument"), (name, info["name"])
            assert 10 < len(info["doc"]) <= 255, (name, info["name"])
            assert info["name"].lower() not in VBA_RESERVED


def test_registered_functions_still_compute(registered):
    assert registered.KPI_SCORE([[80]], [[100]]) == pytest.approx(80)
    assert registered.KPI_WEIGHTED([[80], [100]], [[0.4], [0.55]]) == "#KPI! weights sum to 95%, expected 100%"


def test_generated_vba_wrapper(registered, xlwings_udfs):
    workbook = types.SimpleNamespace(Name="kpi_scorecard.xlam")
    out = io.StringIO()
    xlwings_udfs.generate_vba_wrapper(MODULE_NAME, registered, out, workbook)
    vba = out.getvalue()

    declared = re.findall(r"^Function (KPI_\w+)\((.*)\)$", vba, re.M)
    assert sorted(name for name, _ in declared) == sorted(EXPECTED_SIGNATURES)
    assert dict(declared)["KPI_SCORE"] == (
        "actual, target, Optional threshold, Optional stretch, Optional direction, "
        "Optional method, Optional param, Optional cap")
    for name, (required, optional) in EXPECTED_SIGNATURES.items():
        expected = ", ".join(required + [f"Optional {o}" for o in optional])
        assert dict(declared)[name] == expected
        arguments = ", ".join(required + list(optional))
        # an add-in calls into the active workbook's Python with the caller cell
        assert (f'{name} = XLPy.CallUDF("{MODULE_NAME}", "{name}", Array({arguments}), '
                f"ActiveWorkbook, Application.Caller)") in vba
        assert f"{name} = Err.Description" in vba
    assert vba.count("End Function") == len(EXPECTED_SIGNATURES)
    assert "Application.Volatile" not in vba


def test_plain_signatures_match_the_expected_table():
    """The table above is the public contract the templates' formulas follow."""
    for name, (required, optional) in EXPECTED_SIGNATURES.items():
        parameters = inspect.signature(getattr(plain_module, name)).parameters.values()
        assert [p.name for p in parameters if p.default is inspect.Parameter.empty] == required
        assert {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty} == optional

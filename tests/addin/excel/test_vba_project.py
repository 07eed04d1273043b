"""The VBA project of the built add-in, read back with oletools' olevba and olefile (independent readers).

The built ``xl/vbaProject.bin`` must carry every macro its ribbon calls, next to xlwings' own
modules, laid out as MS-OVBA describes, so that loading the add-in is enough.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from addin.contract.messages import CATALOG, Text
from addin.excel import build as addin_build
from addin.excel import ribbon
from addin.excel.build import VBA_PART, build_addin, customui_xml, ribbon_module
from addin.excel.vbaproject.cfb import Storage, write_compound_file
from addin.excel.vbaproject.compression import CompressionError, compress, decompress
from addin.excel.vbaproject.project import (
    MODULENAME,
    PROJECTMODULES,
    StandardModule,
    VbaProjectError,
    add_modules,
    module_infos,
    modules,
    parse_dir,
)


def _quickstart_vba() -> bytes:
    with zipfile.ZipFile(addin_build.quickstart_addin()) as z:
        return z.read(VBA_PART)


@pytest.fixture(scope="module")
def built_vba(tmp_path_factory) -> bytes:
    with zipfile.ZipFile(build_addin(tmp_path_factory.mktemp("vba"), "zh")) as z:
        return z.read(VBA_PART)


def _olevba_modules(data: bytes) -> dict[str, str]:
    """{module name: source} as olevba extracts it."""
    parser = VBA_Parser("vbaProject.bin", data=data)
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _dir_records(data: bytes):
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return parse_dir(bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read()))))


# ----------------------------------------------------------------------------- the built project

def test_every_on_action_has_its_ribbon_callback_in_the_built_project(built_vba):
    actions = set(re.findall(rb'onAction="(\w+)"', customui_xml("zh")))
    assert actions
    code = "\n".join(_olevba_modules(built_vba).values())
    for action in actions:
        assert re.search(rf"^Public Sub {action.decode()}\(control As IRibbonControl\)", code, re.M), action


def test_module_sources_are_what_we_wrote_and_xlwings_modules_are_intact(built_vba):
    quickstart = _olevba_modules(_quickstart_vba())
    built = _olevba_modules(built_vba)
    assert list(built) == [*quickstart, "KPIRibbon"]
    assert built["KPIRibbon"] == ribbon_module().text()
    for name, code in quickstart.items():
        assert built[name] == code, name
    assert {"xlwings", "RibbonMyAddin", "Dictionary", "ThisWorkbook"} <= set(built)
    assert modules(built_vba)["KPIRibbon"] == ribbon_module().text()  # our reader agrees with olevba


def test_xlwings_module_streams_and_references_are_kept_byte_for_byte(built_vba):
    before, after = _dir_records(_quickstart_vba()), _dir_records(built_vba)
    header = next(i for i, (record_id, _) in enumerate(before) if record_id == PROJECTMODULES)
    assert after[:header] == before[:header]  # project information and every reference record
    assert after[header] == (PROJECTMODULES, struct.pack("<H", len(module_infos(before)) + 1))
    assert after[header + 1:len(before) - 1] == before[header + 1:-1]  # each xlwings module record set
    with olefile.OleFileIO(io.BytesIO(_quickstart_vba())) as old, olefile.OleFileIO(io.BytesIO(built_vba)) as new:
        for info in module_infos(before):
            assert new.openstream(f"VBA/{info.stream}").read() == old.openstream(f"VBA/{info.stream}").read()
        assert new.openstream("VBA/_VBA_PROJECT").read() == old.openstream("VBA/_VBA_PROJECT").read()


def test_stream_layout_follows_ms_ovba(built_vba):
    with olefile.OleFileIO(io.BytesIO(built_vba), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        streams = {"/".join(path) for path in ole.listdir()}
        project = ole.openstream("PROJECT").read().decode("cp1252")
        name_map = ole.openstream("PROJECTwm").read()
        vba_project = ole.openstream("VBA/_VBA_PROJECT").read()
    records = _dir_records(built_vba)
    infos = module_infos(records)
    # 2.2: PROJECT, PROJECTwm, VBA/dir, VBA/_VBA_PROJECT and one stream per module, nothing else
    assert streams == {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT"} | {f"VBA/{i.stream}" for i in infos}
    # 2.3.4.1: signature 0x61CC, version 0xFFFF: the host compiles every module from its source
    assert vba_project[:2] == b"\xcc\x61" and vba_project[2:4] == b"\xff\xff"
    # 2.3.4.2: PROJECTMODULES counts the module record sets; ours is source only (text offset 0)
    count = next(payload for record_id, payload in records if record_id == PROJECTMODULES)
    assert struct.unpack("<H", count)[0] == len(infos) == sum(1 for r, _ in records if r == MODULENAME)
    ours = next(i for i in infos if i.name == "KPIRibbon")
    assert ours.offset == 0 and ours.procedural and ours.stream == "KPIRibbon"
    assert records[-1][0] == 0x0010  # dir terminator
    # 2.3.1: PROJECT lists the module once, among the module lines, and in the workspace
    lines = project.split("\r\n")
    assert lines.count("Module=KPIRibbon") == 1
    assert lines.index("Module=KPIRibbon") < next(i for i, line in enumerate(lines) if line.startswith("Name="))
    assert "KPIRibbon=0, 0, 0, 0, C" in lines[lines.index("[Workspace]"):]
    # 2.3.3: PROJECTwm maps the name to UTF-16 and still ends with its terminator
    assert b"KPIRibbon\0" + "KPIRibbon".encode("utf-16-le") + b"\0\0" in name_map
    assert name_map.endswith(b"\0\0\0\0")


def test_adding_again_replaces_the_module_and_is_stable(built_vba):
    again = add_modules(built_vba, [ribbon_module()])
    assert again == built_vba
    changed = add_modules(built_vba, [StandardModule("KPIRibbon", 'Attribute VB_Name = "KPIRibbon"\nSub X()\nEnd Sub')])
    built = _olevba_modules(changed)
    assert list(built).count("KPIRibbon") == 1
    assert built["KPIRibbon"] == 'Attribute VB_Name = "KPIRibbon"\r\nSub X()\r\nEnd Sub\r\n'


def test_a_project_that_keeps_compiled_code_is_refused():
    with olefile.OleFileIO(io.BytesIO(_quickstart_vba())) as ole:
        tree = {"PROJECT": ole.openstream("PROJECT").read(), "PROJECTwm": ole.openstream("PROJECTwm").read(),
                "VBA": Storage({"dir": ole.openstream("VBA/dir").read(),
                                "_VBA_PROJECT": b"\xcc\x61\xb5\x00\x00\x01\x00"})}
    with pytest.raises(VbaProjectError, match="0xFFFF"):
        add_modules(write_compound_file(tree), [ribbon_module()])
    with pytest.raises(VbaProjectError):
        add_modules(b"not a compound file", [ribbon_module()])


def test_a_new_button_that_asks_for_a_file_reaches_the_vba_without_vba_edits(monkeypatch):
    extra = ribbon.Button("kpiTestImport", "kpiGroupTeam", "ImportExcel", ribbon.show_help, asks="file")
    monkeypatch.setattr(addin_build, "BUTTONS", (*ribbon.BUTTONS, extra))
    monkeypatch.setitem(CATALOG, "ribbon.kpiTestImport", Text("导入", "Import"))
    monkeypatch.setitem(CATALOG, "ribbon.kpiTestImport.tip", Text("导入文件", "Import a file"))
    text = ribbon_module().text()
    assert 'Private Const ASK_FILE As String = "|kpiImportActuals|kpiTestImport|"' in text
    assert 'Private Const ASK_FOLDER As String = "|kpiConsolidate|"' in text
    assert 'id="kpiTestImport"' in customui_xml("en").decode()
    assert "%ASK_" not in text


# ----------------------------------------------------------------------------- MS-OVBA compression

@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=9000),
                 st.text(alphabet="ab \r\nSubEnd()", max_size=12000).map(lambda s: s.encode())))
def test_compression_round_trips_through_olevba(data):
    container = compress(data)
    assert bytes(decompress_stream(bytearray(container))) == data
    assert decompress(container) == data


def test_decompression_agrees_with_olevba_on_xlwings_streams():
    with olefile.OleFileIO(io.BytesIO(_quickstart_vba())) as ole:
        infos = module_infos(_dir_records(_quickstart_vba()))
        for info in infos:
            raw = ole.openstream(f"VBA/{info.stream}").read()
            assert decompress(raw, info.offset) == bytes(decompress_stream(bytearray(raw[info.offset:])))


def test_raw_chunks_and_bad_containers():
    noise = random.Random(7).randbytes(4096)  # does not compress
    container = compress(noise + b"tail text tail text")
    assert container[1:3] == (0x3FFF).to_bytes(2, "little")  # 2.4.1.1.5: a raw chunk of 4096 bytes
    assert decompress(container) == noise + b"tail text tail text"
    with pytest.raises(CompressionError):
        decompress(b"\x02abc")
    with pytest.raises(CompressionError):
        compress(noise[:4000])  # a last chunk that does not compress would be padded: refused


# ----------------------------------------------------------------------------- MS-CFB writer

def test_compound_file_reads_back_with_olefile_at_every_size_boundary():
    sizes = [0, 1, 63, 64, 65, 4095, 4096, 4097, 70_000]
    tree = Storage({"VBA": Storage({f"s{n}": bytes([n % 256]) * n for n in sizes}),
                    "PROJECT": b"ID=\r\n", "Zed": Storage({"deep": Storage({"x": b"y" * 5000})})})
    data = write_compound_file(tree)
    assert len(data) % 512 == 0
    with olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        for n in sizes:
            assert ole.openstream(f"VBA/s{n}").read() == bytes([n % 256]) * n
        assert ole.openstream("Zed/deep/x").read() == b"y" * 5000
        assert ole.openstream("PROJECT").read() == b"ID=\r\n"
        # 2.6.4: siblings sorted by name length, then upper case; all black
        children = [e for e in ole.direntries if e is not None and e.sid != 0]
        assert all(e.color == 1 for e in children)
        vba = next(e for e in children if e.name == "VBA")
        chain, sid = [], vba.sid_child
        while sid != 0xFFFFFFFF:
            chain.append(ole.direntries[sid].name)
            sid = ole.direntries[sid].sid_right
        assert chain == sorted(chain, key=lambda n: (len(n), n.upper()))


def test_compound_file_refuses_bad_names():
    with pytest.raises(ValueError):
        write_compound_file({"a/b": b""})
    with pytest.raises(ValueError):
        write_compound_file({"x" * 32: b""})

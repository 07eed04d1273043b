"""Add standard modules to an existing VBA project (``vbaProject.bin``), from their source text.

[MS-OVBA] 2.2 and 2.3 describe the project as a compound file:

* ``VBA/dir`` (compressed): the project information, its references and one record set per
  module (name, stream name, text offset, type), ended by a terminator;
* ``VBA/<module stream>``: the module's cached compiled code (optional) followed, at the
  module's text offset, by its compressed source;
* ``VBA/_VBA_PROJECT``: the version of the compiled code; 0xFFFF means "none of it is valid",
  so the VBA host compiles every module from its source when it opens the project;
* ``PROJECT`` (text) lists the modules (``Module=Name``) and ``PROJECTwm`` maps their names to
  UTF-16.

A module we add is *source only*: its stream is just the compressed source and its text offset
is 0. xlwings' quickstart add-in is built the same way (its ``_VBA_PROJECT`` is the 7-byte
header with version 0xFFFF), which is what every xlwings add-in user opens in Excel.
Everything else (references, the xlwings modules, their cached code, the project's
protection state) is copied byte for byte.
"""

from __future__ import annotations

import io
import re
import struct
import uuid
from dataclasses import dataclass

import olefile

from addin.excel.vbaproject.cfb import Storage, write_compound_file
from addin.excel.vbaproject.compression import compress, decompress

# record ids of the dir stream (MS-OVBA 2.3.4.2)
PROJECTCODEPAGE = 0x0003
PROJECTVERSION = 0x0009
PROJECTMODULES = 0x000F
DIR_TERMINATOR = 0x0010
MODULENAME = 0x0019
MODULESTREAMNAME = 0x001A
MODULEDOCSTRING = 0x001C
MODULEHELPCONTEXT = 0x001E
MODULETYPE_PROCEDURAL = 0x0021
MODULETYPE_DOCUMENT = 0x0022
MODULE_TERMINATOR = 0x002B
MODULECOOKIE = 0x002C
MODULEOFFSET = 0x0031
MODULESTREAMNAME_UNICODE = 0x0032
MODULENAMEUNICODE = 0x0047
MODULEDOCSTRING_UNICODE = 0x0048
VBA_PROJECT_SOURCE_ONLY = b"\xcc\x61\xff\xff\x00"  # 2.3.4.1: signature 0x61CC, version 0xFFFF, reserved


class VbaProjectError(ValueError):
    """The VBA project does not have the structure MS-OVBA describes."""


@dataclass(frozen=True)
class StandardModule:
    """A standard (procedural) module: its name and its source, ``Attribute VB_Name`` line included."""

    name: str
    source: str

    def text(self) -> str:
        """The source with CRLF line ends, as the VBA editor stores it."""
        return "\r\n".join(self.source.splitlines()) + "\r\n"


@dataclass(frozen=True)
class ModuleInfo:
    """A module as the dir stream describes it."""

    name: str
    stream: str
    offset: int
    procedural: bool


Record = tuple[int, bytes]


def parse_dir(data: bytes) -> list[Record]:
    """The records of a decompressed dir stream, in order (MS-OVBA 2.3.4.2)."""
    records: list[Record] = []
    position = 0
    while position < len(data):
        if position + 6 > len(data):
            raise VbaProjectError("the dir stream ends inside a record header")
        record_id, size = struct.unpack_from("<HI", data, position)
        if record_id == PROJECTVERSION:  # Reserved (always 4), then 4 + 2 bytes of version
            size = 6
        records.append((record_id, data[position + 6:position + 6 + size]))
        position += 6 + size
    if not records or records[-1][0] != DIR_TERMINATOR:
        raise VbaProjectError("the dir stream has no terminator")
    return records


def serialize_dir(records: list[Record]) -> bytes:
    out = bytearray()
    for record_id, payload in records:
        size = 4 if record_id == PROJECTVERSION else len(payload)
        out += struct.pack("<HI", record_id, size) + payload
    return bytes(out)


def codec(records: list[Record]) -> str:
    """The Python codec of the project's code page (PROJECTCODEPAGE)."""
    for record_id, payload in records:
        if record_id == PROJECTCODEPAGE:
            return f"cp{struct.unpack('<H', payload)[0]}"
    raise VbaProjectError("the dir stream has no code page")


def module_infos(records: list[Record]) -> list[ModuleInfo]:
    """The modules of the dir records, in their order."""
    infos = []
    encoding = codec(records)
    current: dict[int, bytes] = {}
    for record_id, payload in records:
        if record_id == MODULENAME:
            current = {}
        current[record_id] = payload
        if record_id == MODULE_TERMINATOR:
            infos.append(ModuleInfo(
                name=current[MODULENAME].decode(encoding),
                stream=current.get(MODULESTREAMNAME_UNICODE, b"").decode("utf-16-le")
                or current[MODULESTREAMNAME].decode(encoding),
                offset=struct.unpack("<I", current[MODULEOFFSET])[0],
                procedural=MODULETYPE_PROCEDURAL in current))
    return infos


def _module_records(name: str, encoding: str) -> list[Record]:
    """The record set of a source-only standard module (MS-OVBA 2.3.4.2.3.2)."""
    mbcs, unicode = name.encode(encoding), name.encode("utf-16-le")
    return [(MODULENAME, mbcs), (MODULENAMEUNICODE, unicode),
            (MODULESTREAMNAME, mbcs), (MODULESTREAMNAME_UNICODE, unicode),
            (MODULEDOCSTRING, b""), (MODULEDOCSTRING_UNICODE, b""),
            (MODULEOFFSET, struct.pack("<I", 0)), (MODULEHELPCONTEXT, struct.pack("<I", 0)),
            (MODULECOOKIE, struct.pack("<H", 0xFFFF)), (MODULETYPE_PROCEDURAL, b""),
            (MODULE_TERMINATOR, b"")]


def _without_module(records: list[Record], name: str, encoding: str) -> list[Record]:
    out, skipping = [], False
    for record_id, payload in records:
        if record_id == MODULENAME:
            skipping = payload.decode(encoding) == name
        if not skipping:
            out.append((record_id, payload))
        if record_id == MODULE_TERMINATOR:
            skipping = False
    return out


def _with_module_count(records: list[Record]) -> list[Record]:
    count = sum(1 for record_id, _ in records if record_id == MODULENAME)
    return [(i, struct.pack("<H", count) if i == PROJECTMODULES else p) for i, p in records]


_MODULE_LINE = re.compile(rb"^(Document|Module|Class|BaseClass|Package)=", re.I)


def _project_text(project: bytes, name: bytes) -> bytes:
    """The PROJECT stream (2.3.1) with one ``Module=name`` line and one workspace line for it."""
    lines = project.split(b"\r\n")
    workspace = lines.index(b"[Workspace]") if b"[Workspace]" in lines else len(lines)
    lines = [line for i, line in enumerate(lines)
             if line != b"Module=" + name and not (i > workspace and line.startswith(name + b"="))]
    last_module = max((i for i, line in enumerate(lines) if _MODULE_LINE.match(line)), default=0)
    lines.insert(last_module + 1, b"Module=" + name)
    if b"[Workspace]" in lines:
        end = lines.index(b"[Workspace]") + 1
        while end < len(lines) and lines[end] and not lines[end].startswith(b"["):
            end += 1
        lines.insert(end, name + b"=0, 0, 0, 0, C")
    return b"\r\n".join(lines)


def _name_map(project_wm: bytes, name: str, encoding: str) -> bytes:
    """PROJECTwm (2.3.3) with an entry for ``name``: MBCS name, NUL, UTF-16 name, two NULs."""
    entries, position = [], 0
    while position < len(project_wm) and project_wm[position:position + 2] != b"\0\0":
        end = project_wm.index(b"\0", position)
        mbcs = project_wm[position:end]
        position = end + 1
        unicode_end = position
        while project_wm[unicode_end:unicode_end + 2] != b"\0\0":
            unicode_end += 2
        entries.append((mbcs, project_wm[position:unicode_end]))
        position = unicode_end + 2
    entries = [e for e in entries if e[0] != name.encode(encoding)]
    entries.append((name.encode(encoding), name.encode("utf-16-le")))
    return b"".join(m + b"\0" + u + b"\0\0" for m, u in entries) + b"\0\0"


def _read_tree(ole: olefile.OleFileIO) -> Storage:
    root = Storage(clsid=_clsid(ole.root.clsid))
    for path in ole.listdir(streams=True, storages=True):
        node = root
        for part in path[:-1]:
            child = node.children[part]
            if not isinstance(child, Storage):
                raise VbaProjectError(f"{part} is a stream and a storage")
            node = child
        if ole.get_type(path) == olefile.STGTY_STORAGE:
            node.children[path[-1]] = Storage(clsid=_clsid(ole.getclsid(path)))
        else:
            node.children[path[-1]] = ole.openstream(path).read()
    return root


def _clsid(text: str) -> bytes:
    """olefile's CLSID string back to its 16 bytes (mixed-endian GUID layout)."""
    if not text:
        return bytes(16)
    return uuid.UUID(text).bytes_le


def read_tree(data: bytes) -> Storage:
    """The storages and streams of a compound file."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return _read_tree(ole)
    except OSError as exc:  # olefile reports a broken container as OSError
        raise VbaProjectError(f"not a compound file: {exc}") from None


def _stream(storage: Storage, name: str) -> bytes:
    item = storage.children.get(name)
    if not isinstance(item, bytes):
        raise VbaProjectError(f"no {name} stream")
    return item


def _vba_storage(tree: Storage) -> Storage:
    vba = tree.children.get("VBA")
    if not isinstance(vba, Storage) or not all(isinstance(tree.children.get(n), bytes) for n in ("PROJECT", "PROJECTwm")):
        raise VbaProjectError("no VBA storage, PROJECT or PROJECTwm stream")
    if not isinstance(vba.children.get("dir"), bytes):
        raise VbaProjectError("no VBA/dir stream")
    return vba


def modules(data: bytes) -> dict[str, str]:
    """{module name: source text} of a vbaProject.bin, read with this package's decompressor."""
    tree = read_tree(data)
    vba = _vba_storage(tree)
    records = parse_dir(decompress(_stream(vba, "dir")))
    encoding = codec(records)
    out = {}
    for info in module_infos(records):
        out[info.name] = decompress(_stream(vba, info.stream), info.offset).decode(encoding)
    return out


def add_modules(data: bytes, new_modules: list[StandardModule]) -> bytes:
    """``data`` (a vbaProject.bin) with ``new_modules`` added as source-only standard modules.

    A module of the same name is replaced. Raises VbaProjectError for a project that is
    not laid out as MS-OVBA describes, or whose compiled code is kept (``_VBA_PROJECT``
    version other than 0xFFFF): Excel would run that code instead of compiling ours.
    """
    tree = read_tree(data)
    vba = _vba_storage(tree)
    if not _stream(vba, "_VBA_PROJECT").startswith(VBA_PROJECT_SOURCE_ONLY):
        raise VbaProjectError("the project keeps compiled code (_VBA_PROJECT version is not 0xFFFF)")
    records = parse_dir(decompress(_stream(vba, "dir")))
    encoding = codec(records)
    project, project_wm = _stream(tree, "PROJECT"), _stream(tree, "PROJECTwm")
    for module in new_modules:
        records = _without_module(records, module.name, encoding)
        records[-1:-1] = _module_records(module.name, encoding)
        vba.children[module.name] = compress(module.text().encode(encoding))
        project = _project_text(project, module.name.encode(encoding))
        project_wm = _name_map(project_wm, module.name, encoding)
    vba.children["dir"] = compress(serialize_dir(_with_module_count(records)))
    tree.children["PROJECT"], tree.children["PROJECTwm"] = project, project_wm
    return write_compound_file(tree)

"""Safe opening of untrusted workbook files.

Everything here runs *before* any spreadsheet parser sees the bytes: a file is
recognised by its content (not its extension), zip containers are checked
against size caps from the central directory (zip bombs), and XML parts are read
with a hard cap on the decompressed size. Nothing is ever executed: macros in .xlsm are
just bytes that are never looked at.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

# Caps. A per-manager scorecard is 20–60 KB; these are generous for real workbooks and
# small enough that a hostile file cannot exhaust memory or time.
MAX_FILE_BYTES = 64 * 1024 * 1024          # the file on disk
MAX_TOTAL_UNCOMPRESSED = 256 * 1024 * 1024  # all members together, per the central directory
MAX_MEMBER_UNCOMPRESSED = 64 * 1024 * 1024  # one XML part we parse (a sheet of ~1M cells)
MAX_RATIO = 200                             # compressed -> uncompressed, for members > 1 MB
MAX_MEMBERS = 20000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


class UnsafeFile(Exception):
    """A file that cannot be opened safely; the message is the user-facing reason."""


@dataclass
class OpenedZip:
    """A zip container that passed the caps, with its member names."""

    zf: zipfile.ZipFile
    names: set[str]
    data: bytes = b""
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)


def sniff(data: bytes, suffix: str) -> str | None:
    """Reason why ``data`` is not an Office Open XML workbook, or None if it may be one."""
    if not data:
        return "the file is empty (0 bytes)"
    head = data[:8]
    if head == OLE_MAGIC:
        if any(marker in data for marker in _ENCRYPTION_MARKERS):
            return "the workbook is password-protected (encrypted); remove the password in Excel and save again"
        return "legacy Excel 97-2003 (.xls) or other OLE file; open it in Excel and save as .xlsx"
    if head[:4] not in ZIP_MAGICS:
        if suffix == ".csv":
            return "a CSV file, not an Excel workbook"
        return "not an Excel .xlsx/.xlsm workbook (unknown file content)"
    return None


def open_zip(data: bytes) -> OpenedZip:
    """Open ``data`` as a zip after the size checks; raises UnsafeFile with a reason."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnsafeFile(f"corrupt or truncated zip container ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - zipfile raises odd errors on crafted headers
        raise UnsafeFile(f"corrupt zip container ({type(exc).__name__})") from None
    if len(infos) > MAX_MEMBERS:
        raise UnsafeFile(f"the zip container has {len(infos)} parts (limit {MAX_MEMBERS})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeFile(
                f"zip bomb suspected: part {info.filename} expands {info.file_size // max(info.compress_size, 1)}x"
            )
        if info.flag_bits & 0x1:
            raise UnsafeFile("the zip container is encrypted")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise UnsafeFile(
            f"zip bomb suspected: {total // (1024 * 1024)} MB uncompressed (limit {MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)} MB)"
        )
    return OpenedZip(zf, {info.filename for info in infos}, data, {info.filename: info for info in infos})


def container_kind(opened: OpenedZip) -> str | None:
    """Reason why a zip is not an xlsx/xlsm workbook, or None."""
    names = opened.names
    if "xl/workbook.xml" in names:
        return None
    if "xl/workbook.bin" in names:
        return "binary Excel workbook (.xlsb); save it as .xlsx"
    if "mimetype" in names:
        try:
            mimetype = read_member(opened, "mimetype", 200).decode("ascii", "replace")
        except UnsafeFile:
            mimetype = ""
        if "opendocument" in mimetype:
            return "OpenDocument spreadsheet (.ods); save it as .xlsx"
    if "word/document.xml" in names:
        return "a Word document, not an Excel workbook"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint file, not an Excel workbook"
    return "a zip file without an Excel workbook inside"


_LOCAL_HEADER = struct.Struct("<4s22xHH")


def raw_member(opened: OpenedZip, name: str) -> tuple[int, bytes] | None:
    """(compression method, compressed bytes) of a member, sliced straight from the file's
    bytes (no decompression); None when the member is missing or not a plain stored/deflated
    one (read_member then goes through zipfile). Equal compressed bytes and method mean
    equal content, so parsed parts can be cached by them."""
    info = opened.infos.get(name)
    if info is None or not opened.data or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    offset = info.header_offset
    header = opened.data[offset:offset + 30]
    if len(header) < 30:
        raise UnsafeFile(f"part {name} is corrupt (truncated local header)")
    magic, name_len, extra_len = _LOCAL_HEADER.unpack(header)
    if magic != b"PK\x03\x04":
        raise UnsafeFile(f"part {name} is corrupt (bad local header)")
    start = offset + 30 + name_len + extra_len
    raw = opened.data[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        raise UnsafeFile(f"part {name} is corrupt (truncated)")
    return info.compress_type, raw


def inflate(opened: OpenedZip, name: str, method: int, raw: bytes, cap: int = MAX_MEMBER_UNCOMPRESSED) -> bytes:
    """Decompress what :func:`raw_member` returned: at most ``cap`` bytes whatever the
    headers claim, CRC checked (as zipfile would)."""
    if method == zipfile.ZIP_STORED:
        data = raw[: cap + 1]
        complete = True
    else:
        try:
            inflater = zlib.decompressobj(-15)
            data = inflater.decompress(raw, cap + 1)
        except zlib.error as exc:
            raise UnsafeFile(f"part {name} is corrupt ({exc})") from None
        complete = inflater.eof
    if len(data) > cap:
        raise UnsafeFile(f"part {name} is larger than {cap // (1024 * 1024)} MB uncompressed")
    if not complete:
        raise UnsafeFile(f"part {name} is corrupt (compressed data ends early)")
    if zlib.crc32(data) != opened.infos[name].CRC:
        raise UnsafeFile(f"part {name} is corrupt (bad CRC-32)")
    return data


def read_member(opened: OpenedZip, name: str, cap: int = MAX_MEMBER_UNCOMPRESSED) -> bytes:
    """Bytes of one member, decompressing at most ``cap`` bytes whatever the headers claim."""
    raw = raw_member(opened, name)
    if raw is not None:
        return inflate(opened, name, raw[0], raw[1], cap)
    try:
        with opened.zf.open(name) as handle:
            data = handle.read(cap + 1)
    except KeyError:
        raise UnsafeFile(f"part {name} is missing") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise UnsafeFile(f"part {name} is corrupt ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - zlib.error and friends on crafted data
        raise UnsafeFile(f"part {name} is corrupt ({type(exc).__name__})") from None
    if len(data) > cap:
        raise UnsafeFile(f"part {name} is larger than {cap // (1024 * 1024)} MB uncompressed")
    return data

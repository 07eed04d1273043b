"""Safe opening of untrusted workbook files.

Everything here runs *before* any spreadsheet parser sees the bytes: only a regular
file is ever opened (a FIFO, a device or a socket named ``*.xlsx`` is refused from its
``stat``, never opened, so a read can never block), a file is recognised by its content
(not its extension), zip containers are checked against size caps from the central
directory (zip bombs), and XML parts are read with a hard cap on the decompressed size.
Nothing is ever executed: macros in .xlsm are just bytes that are never looked at.

The reasons given are message keys of the ``files`` area
(:mod:`addin.contract.messages.files`) with their values, so they are shown in the
user's language.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from addin.contract.messages import Message, render

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


@dataclass(frozen=True)
class Reason:
    """Why a file is not read (or written): a message key of the ``files`` area (or ``area``) and its values."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    area: str = "files"

    def render(self, lang: str) -> str:
        return render(f"{self.area}.{self.key}", lang, **self.values)

    def message(self) -> Message:
        """This reason as a catalog Message: rendered in the language of the text it becomes part of."""
        return Message(f"{self.area}.{self.key}", **self.values)

    def __str__(self) -> str:
        return self.render("en")


class UnsafeFile(Exception):
    """A file that cannot be opened safely: ``UnsafeFile("zip_bomb_part", part=..., ratio=...)``.

    ``reason`` is the :class:`Reason`; ``str()`` is its English text (logs, tests)."""

    def __init__(self, key: str, /, **values: Any) -> None:
        super().__init__(key)
        self.reason = Reason(key, values)

    def __str__(self) -> str:
        return str(self.reason)


# ----------------------------------------------------------------------------- regular files only

_SPECIAL_KINDS = ((stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"),
                  (stat.S_ISSOCK, "socket"), (stat.S_ISDIR, "folder"))


def special_kind(mode: int) -> str | None:
    """"fifo", "device", "socket", "folder" or "other" for a ``st_mode`` that is not a regular
    file; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _SPECIAL_KINDS if test(mode)), "other")


def not_regular(path: str | os.PathLike) -> Reason | None:
    """Why ``path`` (symbolic links followed) must not be opened as a file, or None for a
    regular file. Decided from ``stat`` alone: a FIFO or a device is never opened."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return os_reason(exc)
    kind = special_kind(mode)
    return Reason(f"not_regular_{kind}") if kind else None


def read_file(path: str | os.PathLike, cap: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes, read once, read-only.

    A FIFO, device, socket or folder is refused before it is opened (and, should one be
    swapped in meanwhile, the non-blocking open and the ``fstat`` of the open handle
    refuse it too, so a read never blocks). Raises :class:`UnsafeFile`.
    """
    reason = not_regular(path)
    if reason is not None:
        raise UnsafeFile(reason.key, **reason.values)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        reason = os_reason(exc)
        raise UnsafeFile(reason.key, **reason.values) from None
    try:
        info = os.fstat(fd)
        kind = special_kind(info.st_mode)
        if kind:
            raise UnsafeFile(f"not_regular_{kind}")
        if info.st_size > cap:
            raise UnsafeFile("too_large", size_mb=info.st_size // (1024 * 1024), limit_mb=cap // (1024 * 1024))
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(cap + 1)
    except OSError as exc:
        reason = os_reason(exc)
        raise UnsafeFile(reason.key, **reason.values) from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > cap:
        raise UnsafeFile("too_large", size_mb=len(data) // (1024 * 1024), limit_mb=cap // (1024 * 1024))
    return data


def os_reason(exc: OSError) -> Reason:
    """The reason of an operating-system error, in the user's language when rendered."""
    if isinstance(exc, PermissionError):
        return Reason("permission_denied")
    if isinstance(exc, IsADirectoryError):
        return Reason("not_regular_folder")
    if isinstance(exc, FileNotFoundError):
        return Reason("vanished")
    if exc.errno == errno.ELOOP:
        return Reason("link_loop")
    return Reason("os_error", {"error": exc.strerror or type(exc).__name__})


@dataclass
class OpenedZip:
    """A zip container that passed the caps, with its member names."""

    zf: zipfile.ZipFile
    names: set[str]
    data: bytes = b""
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)


def sniff(data: bytes, suffix: str) -> Reason | None:
    """Reason why ``data`` is not an Office Open XML workbook, or None if it may be one."""
    if not data:
        return Reason("empty")
    head = data[:8]
    if head == OLE_MAGIC:
        if any(marker in data for marker in _ENCRYPTION_MARKERS):
            return Reason("encrypted")
        return Reason("legacy_xls")
    if head[:4] not in ZIP_MAGICS:
        return Reason("csv" if suffix == ".csv" else "unknown_content")
    return None


def open_zip(data: bytes) -> OpenedZip:
    """Open ``data`` as a zip after the size checks; raises UnsafeFile with a reason."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnsafeFile("corrupt_zip", error=str(exc)[:200]) from None
    except Exception as exc:  # noqa: BLE001 - zipfile raises odd errors on crafted headers
        raise UnsafeFile("corrupt_zip", error=type(exc).__name__) from None
    if len(infos) > MAX_MEMBERS:
        raise UnsafeFile("too_many_parts", parts=len(infos), limit=MAX_MEMBERS)
    names: set[str] = set()
    total = 0
    for info in infos:
        if info.filename in names:  # readers disagree on which copy counts; Excel refuses such a file
            raise UnsafeFile("duplicate_part", part=info.filename)
        names.add(info.filename)
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeFile("zip_bomb_part", part=info.filename, ratio=info.file_size // max(info.compress_size, 1))
        if info.flag_bits & 0x1:
            raise UnsafeFile("encrypted_zip")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise UnsafeFile("zip_bomb_total", size_mb=total // (1024 * 1024),
                         limit_mb=MAX_TOTAL_UNCOMPRESSED // (1024 * 1024))
    return OpenedZip(zf, names, data, {info.filename: info for info in infos})


def container_kind(opened: OpenedZip) -> Reason | None:
    """Reason why a zip is not an xlsx/xlsm workbook, or None."""
    names = opened.names
    if "xl/workbook.xml" in names:
        return None
    if "xl/workbook.bin" in names:
        return Reason("xlsb")
    if "mimetype" in names:
        try:
            mimetype = read_member(opened, "mimetype", 200).decode("ascii", "replace")
        except UnsafeFile:
            mimetype = ""
        if "opendocument" in mimetype:
            return Reason("ods")
    if "word/document.xml" in names:
        return Reason("word")
    if "ppt/presentation.xml" in names:
        return Reason("powerpoint")
    return Reason("zip_without_workbook")


def open_workbook_zip(data: bytes, suffix: str) -> OpenedZip:
    """``data`` opened as an xlsx/xlsm container after every check (content, zip caps, workbook part).

    Raises:
        UnsafeFile: with the first reason found (``legacy_xls``, ``zip_bomb_part``, ``ods``, ...).
    """
    reason = sniff(data, suffix)
    if reason:
        raise UnsafeFile(reason.key, **reason.values)
    opened = open_zip(data)
    reason = container_kind(opened)
    if reason:
        raise UnsafeFile(reason.key, **reason.values)
    return opened


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
        raise UnsafeFile("corrupt_part", part=name, error="truncated local header")
    magic, name_len, extra_len = _LOCAL_HEADER.unpack(header)
    if magic != b"PK\x03\x04":
        raise UnsafeFile("corrupt_part", part=name, error="bad local header")
    start = offset + 30 + name_len + extra_len
    raw = opened.data[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        raise UnsafeFile("corrupt_part", part=name, error="truncated")
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
            raise UnsafeFile("corrupt_part", part=name, error=str(exc)[:200]) from None
        complete = inflater.eof
    if len(data) > cap:
        raise UnsafeFile("part_too_large", part=name, limit_mb=max(cap // (1024 * 1024), 1))
    if not complete:
        raise UnsafeFile("corrupt_part", part=name, error="compressed data ends early")
    if zlib.crc32(data) != opened.infos[name].CRC:
        raise UnsafeFile("corrupt_part", part=name, error="bad CRC-32")
    return data


def read_head(opened: OpenedZip, name: str, size: int = 256 * 1024) -> bytes:
    """The first ``size`` bytes (at most) of a member, decompressing no more; b"" when the
    member is missing or cannot be decompressed (the full read reports that)."""
    try:
        raw = raw_member(opened, name)
        if raw is None:
            with opened.zf.open(name) as handle:
                return handle.read(size)
        if raw[0] == zipfile.ZIP_STORED:
            return raw[1][:size]
        return zlib.decompressobj(-15).decompress(raw[1], size)
    except Exception:  # noqa: BLE001 - any damage is reported by the full read
        return b""


def read_member(opened: OpenedZip, name: str, cap: int = MAX_MEMBER_UNCOMPRESSED) -> bytes:
    """Bytes of one member, decompressing at most ``cap`` bytes whatever the headers claim."""
    raw = raw_member(opened, name)
    if raw is not None:
        return inflate(opened, name, raw[0], raw[1], cap)
    try:
        with opened.zf.open(name) as handle:
            data = handle.read(cap + 1)
    except KeyError:
        raise UnsafeFile("missing_part", part=name) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise UnsafeFile("corrupt_part", part=name, error=str(exc)[:200]) from None
    except Exception as exc:  # noqa: BLE001 - zlib.error and friends on crafted data
        raise UnsafeFile("corrupt_part", part=name, error=type(exc).__name__) from None
    if len(data) > cap:
        raise UnsafeFile("part_too_large", part=name, limit_mb=max(cap // (1024 * 1024), 1))
    return data

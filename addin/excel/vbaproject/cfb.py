"""A small writer of compound files ([MS-CFB] version 3), the container of ``vbaProject.bin``.

Reading is olefile's job; olefile cannot add a stream or change a stream's size, and the
writers on PyPI were either alpha releases with extra dependencies or AGPL-licensed, so this
module writes the whole file from a tree of storages and streams. It covers what a VBA project
needs and no more: 512-byte sectors (version 3), streams under 4096 bytes in the mini stream
(2.1, 2.5), one FAT of up to 109 sectors addressed from the header (files up to about 7 MB,
no DIFAT sectors), and no timestamps.

Layout, in sector order: FAT sectors, directory sectors, mini FAT sectors, the mini stream,
then each large stream. The children of a storage form the red-black tree of 2.6.4 as a chain
of black nodes, sorted as 2.6.4 says (shorter names first, then by upper-cased UTF-16 code
points) and linked through their right siblings, which is also how xlwings' own add-in
stores them.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
HEADER_DIFAT = 109
ENTRY_SIZE = 128
MAX_NAME = 31
NOSTREAM = 0xFFFFFFFF
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
STORAGE, STREAM, ROOT = 1, 2, 5
BLACK = 1


class CompoundFileError(ValueError):
    """The tree cannot be written as a compound file (bad name, too large)."""


@dataclass
class Storage:
    """A storage: named children (``Storage`` or ``bytes`` streams) and an optional CLSID."""

    children: dict[str, Storage | bytes] = field(default_factory=dict)
    clsid: bytes = bytes(16)


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    clsid: bytes = bytes(16)
    child: int = NOSTREAM
    right: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def sort_key(name: str) -> tuple[int, str]:
    """The order of sibling names in 2.6.4: by length, then by upper-cased code points."""
    return len(name), name.upper()


def _check_name(name: str) -> None:
    if not name or len(name) > MAX_NAME or any(c in name for c in "/\\:!"):
        raise CompoundFileError(f"invalid compound file entry name {name!r}")


def _flatten(root: Storage) -> list[_Entry]:
    """Directory entries in stream-ID order: the root first, then each storage's children."""
    entries = [_Entry("Root Entry", ROOT, clsid=root.clsid)]
    pending: list[tuple[int, Storage]] = [(0, root)]
    while pending:
        parent, storage = pending.pop(0)
        previous = None
        for name in sorted(storage.children, key=sort_key):
            _check_name(name)
            item = storage.children[name]
            index = len(entries)
            if isinstance(item, Storage):
                entries.append(_Entry(name, STORAGE, clsid=item.clsid, start=0))  # 2.6.3: zero for storages
                pending.append((index, item))
            else:
                entries.append(_Entry(name, STREAM, data=bytes(item), size=len(item)))
            if previous is None:
                entries[parent].child = index
            else:
                entries[previous].right = index
            previous = index
    return entries


def _sectors(size: int, unit: int) -> int:
    return -(-size // unit)


def _chain(table: list[int], start: int, count: int) -> None:
    for i in range(count):
        table[start + i] = start + i + 1 if i + 1 < count else ENDOFCHAIN


def _entry_bytes(entry: _Entry | None) -> bytes:
    if entry is None:  # an unused entry: zeros, siblings and child NOSTREAM (2.6.3)
        return bytes(68) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + bytes(48)
    name = entry.name.encode("utf-16-le") + b"\0\0"
    return (name.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(name), entry.kind, BLACK, NOSTREAM, entry.right, entry.child)
            + entry.clsid + bytes(4 + 8 + 8)  # state bits, creation and modified time: zero
            + struct.pack("<IQ", entry.start, entry.size))


def write_compound_file(root: Storage | Mapping[str, Storage | bytes]) -> bytes:
    """The bytes of a version 3 compound file holding ``root``'s storages and streams."""
    if not isinstance(root, Storage):
        root = Storage(dict(root))
    entries = _flatten(root)
    small = [e for e in entries if e.kind == STREAM and e.size < MINI_CUTOFF]
    large = [e for e in entries if e.kind == STREAM and e.size >= MINI_CUTOFF]

    mini_fat: list[int] = []
    mini_stream = bytearray()
    for entry in small:
        count = _sectors(entry.size, MINI_SECTOR)
        if count:
            entry.start = len(mini_fat)
            mini_fat += [0] * count
            _chain(mini_fat, entry.start, count)
            mini_stream += entry.data.ljust(count * MINI_SECTOR, b"\0")
    mini_fat_sectors = _sectors(len(mini_fat) * 4, SECTOR)
    mini_stream_sectors = _sectors(len(mini_stream), SECTOR)
    directory_sectors = _sectors(len(entries) * ENTRY_SIZE, SECTOR)
    large_sectors = [_sectors(e.size, SECTOR) for e in large]
    others = directory_sectors + mini_fat_sectors + mini_stream_sectors + sum(large_sectors)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < fat_sectors + others:
        fat_sectors += 1
    if fat_sectors > HEADER_DIFAT:
        raise CompoundFileError("the VBA project is too large for a compound file without DIFAT sectors (7 MB)")

    fat = [FREESECT] * (fat_sectors * (SECTOR // 4))
    fat[:fat_sectors] = [FATSECT] * fat_sectors
    directory_start = fat_sectors
    _chain(fat, directory_start, directory_sectors)
    mini_fat_start = directory_start + directory_sectors
    _chain(fat, mini_fat_start, mini_fat_sectors)
    mini_stream_start = mini_fat_start + mini_fat_sectors
    _chain(fat, mini_stream_start, mini_stream_sectors)
    entries[0].start = mini_stream_start if mini_stream_sectors else ENDOFCHAIN
    entries[0].size = len(mini_stream)
    next_sector = mini_stream_start + mini_stream_sectors
    for entry, count in zip(large, large_sectors):
        entry.start = next_sector
        _chain(fat, next_sector, count)
        next_sector += count

    header = (SIGNATURE + bytes(16)
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, fat_sectors, directory_start, 0, MINI_CUTOFF,
                            mini_fat_start if mini_fat_sectors else ENDOFCHAIN, mini_fat_sectors, ENDOFCHAIN, 0)
              + struct.pack(f"<{HEADER_DIFAT}I", *(list(range(fat_sectors)) + [FREESECT] * (HEADER_DIFAT - fat_sectors))))
    unused = directory_sectors * SECTOR // ENTRY_SIZE - len(entries)
    directory = b"".join(_entry_bytes(e) for e in [*entries, *[None] * unused])
    body = [struct.pack(f"<{len(fat)}I", *fat), directory,
            struct.pack(f"<{len(mini_fat)}I", *mini_fat).ljust(mini_fat_sectors * SECTOR, b"\xff"),
            bytes(mini_stream).ljust(mini_stream_sectors * SECTOR, b"\0")]
    body += [e.data.ljust(count * SECTOR, b"\0") for e, count in zip(large, large_sectors)]
    return header + b"".join(body)

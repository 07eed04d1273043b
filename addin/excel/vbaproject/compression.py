"""MS-OVBA compression (section 2.4.1 of [MS-OVBA]): the format of VBA source text and the dir stream.

A *CompressedContainer* is the signature byte 0x01 followed by chunks; each chunk holds up to
4096 bytes of the decompressed data. A chunk starts with a 2-byte header (bits 0-11: chunk size
minus 3; bits 12-14: 0b011; bit 15: 1 = compressed, 0 = 4096 raw bytes). A compressed chunk is a
series of *TokenSequences*: a flag byte, then eight tokens, each a literal byte (flag bit 0) or a
2-byte *CopyToken* (flag bit 1) that copies ``length`` bytes from ``offset`` bytes back in the
same chunk; how many of its 16 bits are the offset depends on the position in the chunk
(*CopyToken Help*, 2.4.1.3.19.1).

Why our own: the one library on PyPI for it (ms-ovba-compression 1.0.1) produced containers that
neither it nor oletools decompress back to the input (tried on our VBA module, 5.8 KB). The tests
check this code against oletools' decompressor in both directions.
"""

from __future__ import annotations

CHUNK = 4096
SIGNATURE = 0x01
_HEADER_SIGNATURE = 0b011 << 12
_MIN_MATCH = 3


class CompressionError(ValueError):
    """A CompressedContainer that does not follow MS-OVBA 2.4.1."""


def _help(difference: int) -> tuple[int, int, int]:
    """CopyToken Help (2.4.1.3.19.1): (length mask, maximum length, bit count) at ``difference``."""
    bit_count = max((difference - 1).bit_length(), 4)
    length_mask = 0xFFFF >> bit_count
    return length_mask, length_mask + _MIN_MATCH, bit_count


def _longest_match(chunk: bytes, position: int) -> tuple[int, int]:
    """(offset, length) of the longest earlier match in ``chunk`` at ``position`` (2.4.1.3.19.4)."""
    _, maximum, _ = _help(position)
    limit = min(maximum, len(chunk) - position)
    if limit < _MIN_MATCH:
        return 0, 0
    best_length, best_offset = 0, 0
    head = chunk[position:position + _MIN_MATCH]
    candidate = chunk.rfind(head, 0, position + _MIN_MATCH - 1)
    while candidate != -1 and candidate < position:
        length = _MIN_MATCH
        while length < limit and chunk[candidate + length] == chunk[position + length]:
            length += 1
        if length > best_length:
            best_length, best_offset = length, position - candidate
            if length == limit:
                break
        candidate = chunk.rfind(head, 0, candidate + _MIN_MATCH - 1)
    return best_offset, best_length


def _compress_chunk(chunk: bytes) -> bytes:
    """One CompressedChunk (2.4.1.3.7): header and data; raw when compressing does not pay."""
    out = bytearray()
    position = 0
    while position < len(chunk):
        flag_index = len(out)
        out.append(0)
        for bit in range(8):
            if position >= len(chunk):
                break
            offset, length = _longest_match(chunk, position)
            if length >= _MIN_MATCH:
                _, _, bit_count = _help(position)
                token = ((offset - 1) << (16 - bit_count)) | (length - _MIN_MATCH)
                out += token.to_bytes(2, "little")
                out[flag_index] |= 1 << bit
                position += length
            else:
                out.append(chunk[position])
                position += 1
    if len(out) > CHUNK:  # 2.4.1.3.10: a raw chunk is exactly 4096 bytes
        if len(chunk) != CHUNK:
            raise CompressionError("the last chunk does not compress; MS-OVBA would pad it with zero bytes")
        return (_HEADER_SIGNATURE | (CHUNK + 2 - 3)).to_bytes(2, "little") + chunk
    header = 0x8000 | _HEADER_SIGNATURE | (len(out) + 2 - 3)
    return header.to_bytes(2, "little") + bytes(out)


def compress(data: bytes) -> bytes:
    """The CompressedContainer of ``data`` (2.4.1.3.6)."""
    out = bytearray([SIGNATURE])
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[start:start + CHUNK])
    return bytes(out)


def decompress(container: bytes, start: int = 0) -> bytes:
    """The data of the CompressedContainer at ``container[start:]`` (2.4.1.3.1)."""
    if len(container) <= start or container[start] != SIGNATURE:
        raise CompressionError("a compressed container starts with the byte 0x01")
    out = bytearray()
    position = start + 1
    while position < len(container):
        if position + 2 > len(container):
            raise CompressionError("truncated chunk header")
        header = int.from_bytes(container[position:position + 2], "little")
        if header & 0x7000 != _HEADER_SIGNATURE:
            raise CompressionError(f"bad chunk signature at byte {position}")
        end = min(position + (header & 0x0FFF) + 3, len(container))
        position += 2
        if not header & 0x8000:
            out += container[position:position + CHUNK]
            position += CHUNK
            continue
        chunk = bytearray()
        while position < end:
            flags = container[position]
            position += 1
            for bit in range(8):
                if position >= end:
                    break
                if not flags & (1 << bit):
                    chunk.append(container[position])
                    position += 1
                    continue
                token = int.from_bytes(container[position:position + 2], "little")
                position += 2
                length_mask, _, bit_count = _help(len(chunk))
                offset = (token >> (16 - bit_count)) + 1
                length = (token & length_mask) + _MIN_MATCH
                if offset > len(chunk):
                    raise CompressionError("a copy token points before the start of its chunk")
                for _ in range(length):  # byte by byte: a copy may overlap what it writes
                    chunk.append(chunk[-offset])
        out += chunk
    return bytes(out)

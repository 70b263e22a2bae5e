"""How values are stored in the index: texts (UTF-8, lone surrogates kept, zlib or raw,
decoded no further than their stored size), ids, arrays (little-endian raw bytes) and
each row's CRC-32."""

from __future__ import annotations

import struct
import zlib

import numpy as np

from .errors import IndexMismatchError

__all__ = ["encode_text", "stored_text", "decode_text", "row_crc", "doc_crc", "encode_id", "to_blob", "from_blob"]


def encode_text(text: str, compress: bool = True) -> bytes:
    """How texts are stored: UTF-8 with lone surrogates kept, zlib-compressed or not.

    Examples:
        >>> lone = "a" + chr(0xD800)  # a lone surrogate survives the round trip
        >>> decode_text(encode_text(lone), True) == lone, decode_text(encode_text("ab", False), False)
        (True, 'ab')
    """
    return stored_text(text, compress)[0]


def stored_text(text: str, compress: bool = True) -> tuple[bytes, int]:
    """``(encode_text(text, compress), its UTF-8 size in bytes)``: what the index stores."""
    raw = text.encode("utf-8", "surrogatepass")
    return (zlib.compress(raw, 1) if compress else raw), len(raw)


def decode_text(data: bytes, compressed: bool, size: int | None = None) -> str:
    """The text that :func:`encode_text` stored; with ``size`` (its UTF-8 size, as
    :func:`stored_text` gave it), decompressed no further than that, and
    :class:`IndexMismatchError` for data that does not decode to exactly ``size`` bytes
    (never the gigabyte a damaged 1 MB blob can expand to).

    Examples:
        >>> decode_text(zlib.compress(b"x" * 10**6), True, 10)
        Traceback (most recent call last):
        ...
        dedup.index.errors.IndexMismatchError: a stored text is damaged (it does not decode to its stored size of 10 bytes)
    """
    bad = IndexMismatchError(f"a stored text is damaged (it does not decode to its stored size of {size} bytes)")
    try:
        if not compressed:
            raw = data
        elif size is None:
            raw = zlib.decompress(data)
        else:
            d = zlib.decompressobj()
            raw = d.decompress(data, size + 1)
            if len(raw) == size and not d.eof:  # (ends exactly at size: the end of the stream may follow)
                raw += d.decompress(d.unconsumed_tail, 1)
            if not d.eof or d.unused_data or d.unconsumed_tail:
                raise bad
        if size is not None and len(raw) != size:
            raise bad
        return raw.decode("utf-8", "surrogatepass")
    except (zlib.error, UnicodeDecodeError):
        raise bad from None


def row_crc(*fields: int | str | bytes | None) -> int:
    """The CRC-32 stored with a row: of each field (ints as 8 little-endian bytes, texts as
    UTF-8), each preceded by its length, so that no two rows of other fields share it by
    construction.

    Examples:
        >>> row_crc(1, "a", b"xy") == row_crc(1, "a", b"xy"), row_crc(1, "a", b"xy") == row_crc(1, "ax", b"y")
        (True, False)
    """
    crc = 0
    for f in fields:
        if isinstance(f, int):
            b = int(f).to_bytes(8, "little", signed=True)
        elif isinstance(f, str):
            b = f.encode("utf-8", "surrogatepass")
        elif f is None:
            b = b"\xff"
        else:
            b = bytes(f)
        crc = zlib.crc32(b, zlib.crc32(len(b).to_bytes(8, "little"), crc))
    return crc


_Q1, _Q2, _Q3 = (struct.Struct("<" + "q" * k).pack for k in (1, 2, 3))


def doc_crc(doc: int, ident: bytes, text: bytes, size: int, repeats: bytes, batch: int) -> int:
    """:func:`row_crc` of a document's row ``(doc, id, text, size, repeats, batch)``, the id
    as stored (:func:`encode_id`): the same value, made with a few calls instead of a loop.

    Examples:
        >>> doc_crc(3, b"id", b"text", 4, b"", 0) == row_crc(3, "id", b"text", 4, b"", 0)
        True
    """
    crc = zlib.crc32(ident, zlib.crc32(_Q3(8, doc, len(ident))))
    crc = zlib.crc32(text, zlib.crc32(_Q1(len(text)), crc))
    crc = zlib.crc32(repeats, zlib.crc32(_Q3(8, size, len(repeats)), crc))
    return zlib.crc32(_Q2(8, batch), crc)


def encode_id(did: str) -> bytes:
    """How a document id is stored (and looked up): UTF-8, lone surrogates kept."""
    return did.encode("utf-8", "surrogatepass")


def to_blob(a: np.ndarray) -> bytes:
    """An array as stored: its little-endian raw bytes (its dtype is stored beside it)."""
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False).tobytes()


def from_blob(b: bytes, dtype: str) -> np.ndarray:
    """The array :func:`to_blob` stored, of ``dtype`` in this machine's byte order."""
    return np.frombuffer(b, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)

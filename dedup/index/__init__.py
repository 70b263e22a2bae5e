"""The persistent corpus store: SQLite, one transaction per batch, no pickle.

Arrays are stored as little-endian raw bytes with their dtype named in the
column (a document's repeats too), texts as UTF-8 (lone surrogates kept;
zlib-compressed in a durable index, raw in a temporary one) with their byte size,
small records as JSON. The file carries a schema version and the fingerprint of the
:class:`~dedup.Config` it was built with; opening it with another version or
config is a clear error instead of silently mixed results.

Every row carries a CRC-32 of its content, checked when it is read, and the tables
are checked for consistency (schema, counts, ranges) on opening
(:meth:`Store.check`): a damaged or edited index is refused with
:class:`IndexMismatchError`, never read as fewer or other results. Compressed texts are
decompressed no further than their stored size. Every SQLite error (full disk,
read-only file, a lock held too long, a damaged page) is raised as
:class:`IndexMismatchError` naming the file and the fix.

Sharing (see docs/reliability.md): the file is in WAL mode, so any number of
readers read alongside one writer, each from a snapshot (:meth:`Store.snapshot`);
a writer holds the lock :meth:`Store.lock` (``flock`` on ``INDEX.lock`` beside the
index) from its first write to :meth:`Store.close`, and a second writer waits for it
up to a timeout and is then refused with a clear error.

The parts: how values are stored (:mod:`~dedup.index.encoding`), the tables and the
file's identity (:mod:`~dedup.index.schema`), the rows (:mod:`~dedup.index.rows`),
sharing the file (:mod:`~dedup.index.sharing`), its error (:mod:`~dedup.index.errors`)
and the :class:`Store` (:mod:`~dedup.index.store`).
"""

from .encoding import decode_text, doc_crc, encode_id, encode_text, row_crc, stored_text
from .errors import IndexError_, IndexMismatchError
from .schema import SCHEMA_VERSION, config_fingerprint
from .store import MEMO, Store

__all__ = [
    "SCHEMA_VERSION", "MEMO", "IndexMismatchError", "IndexError_", "Store", "encode_text", "decode_text", "stored_text", "config_fingerprint",
    "row_crc", "doc_crc", "encode_id",
]

"""What the Spark driver runs per Arrow batch on the executors (inside ``mapInArrow``, never a
Python UDF per row): the per-document kernel, exact Jaccard of set pairs, document sets, and
the conversions between Arrow columns and this package's arrays (sets as CSR)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .chars import batch_chars
from .collapse import Analysis, Repeat, analyze, cut_repeats
from .config import Config
from .forms import paragraph_forms
from .lsh import band_keys_of_sets, jaccard_pairs, set_fingerprints
from .shingle import ShingleSets, union_rows
from .templates import paragraph_leads
from .text import check_text

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["ANALYZED", "analyze_batches", "csr", "binary_column", "long_lists", "jaccard_batches", "doc_set_batches"]

_REPEAT = (
    "struct<start:long,end:long,witness_start:long,witness_end:long,similarity:double,"
    "block:long,index:long,witness_index:long,kind:string>"
)
_PARA = "struct<start:long,end:long,tokens:long,removed:boolean,form:long,lead:array<long>,f1:long,f2:long,shingles:binary,keys:array<long>>"
#: The schema of :func:`analyze_batches`' rows.
ANALYZED = (
    f"pid long, row long, par0 long, id string, text string, collapsed string, "
    f"repeats array<{_REPEAT}>, paras array<{_PARA}>"
)


def csr(arr: pa.Array) -> ShingleSets:
    """The sets stored as little-endian ``uint32`` bytes in a binary column, as a CSR."""
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    large = pa.types.is_large_binary(arr.type)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64 if large else np.int32)[arr.offset : arr.offset + n + 1]
    offsets = offsets.astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None and offsets[-1] > offsets[0] else None
    values = (
        data[offsets[0] : offsets[-1]].view("<u4").astype(np.uint32)
        if data is not None
        else np.zeros(0, dtype=np.uint32)
    )
    return ShingleSets(values, (offsets - offsets[0]) // 4, np.zeros(n, dtype=np.int64))


def binary_column(sets: ShingleSets) -> pa.Array:
    """The sets as a binary column of little-endian ``uint32`` bytes (read back by :func:`csr`)."""
    import pyarrow as pa

    off = (sets.offsets * 4).astype(np.int64)
    data = pa.py_buffer(np.ascontiguousarray(sets.values.astype("<u4")).tobytes())
    return pa.LargeBinaryArray.from_buffers(pa.large_binary(), len(sets), [None, pa.py_buffer(off.tobytes()), data]).cast(
        pa.binary()
    )


def long_lists(keys: np.ndarray) -> pa.Array:
    """The rows of a 2-d array of 64-bit values as a column of ``array<long>``."""
    import pyarrow as pa

    n, width = keys.shape
    off = pa.array(np.arange(n + 1, dtype=np.int32) * width)
    return pa.ListArray.from_arrays(off, pa.array(keys.reshape(-1).view(np.int64)))


def _check_documents(ids: list[object], texts: list[str | None], row: int) -> None:
    for i, (did, t) in enumerate(zip(ids, texts)):
        if did is None:
            raise ValueError(f"document {row + i} has a null id; give every document an id")
        if t is None:
            raise ValueError(f"document {did!r} has a null text; drop it or fill it with ''")
        check_text(t, what=f"text of document {did!r}")


def _paragraph_structs(texts: Sequence[str], an: Analysis) -> pa.Array:
    """One struct per paragraph (the ``paras`` fields of :data:`ANALYZED`)."""
    import pyarrow as pa

    if an.keys is None:
        raise ValueError("analyze(texts, cfg, cross=True) gave no band keys; the Spark driver needs them")
    fp = set_fingerprints(an.rep_sets).view(np.int64)
    removed = np.zeros(len(an.starts), dtype=bool)
    for d, reps in enumerate(an.repeats):
        removed[[int(an.doc_offsets[d]) + r.index for r in reps if r.kind != "inside"]] = True
    chars = batch_chars(texts, an.starts, an.ends, an.doc_offsets)
    return pa.StructArray.from_arrays(
        [
            pa.array(an.starts.astype(np.int64)),
            pa.array(an.ends.astype(np.int64)),
            pa.array(an.tokens.astype(np.int64)),
            pa.array(removed),
            pa.array(paragraph_forms(texts, an.starts, an.ends, an.doc_offsets, chars)),
            long_lists(paragraph_leads(texts, an.starts, an.ends, an.doc_offsets, an.tokens, chars)),
            pa.array(fp[an.cls, 0]),
            pa.array(fp[an.cls, 1]),
            binary_column(an.rep_sets.take(an.cls)),
            long_lists(an.keys[an.cls]),
        ],
        names=["start", "end", "tokens", "removed", "form", "lead", "f1", "f2", "shingles", "keys"],
    )


def _repeat_lists(repeats: Sequence[Sequence[Repeat]]) -> pa.Array:
    """Each document's removals as a list of structs with the fields of :class:`~dedup.Repeat`."""
    import pyarrow as pa

    reps_flat = [r for reps in repeats for r in reps]
    rep_off = np.zeros(len(repeats) + 1, dtype=np.int32)
    np.cumsum([len(r) for r in repeats], out=rep_off[1:])
    fields = Repeat.__dataclass_fields__
    structs = pa.StructArray.from_arrays(
        [pa.array([getattr(r, f) for r in reps_flat],
                  type=pa.float64() if f == "similarity" else pa.string() if f == "kind" else pa.int64())
         for f in fields],
        names=list(fields),
    )
    return pa.ListArray.from_arrays(pa.array(rep_off), structs)


def analyze_batches(batches: Iterable[pa.RecordBatch], cfg: Config) -> Iterator[pa.RecordBatch]:
    """Columns ``id, text`` -> rows of :data:`ANALYZED`: each batch through
    :func:`dedup.collapse.analyze`, with the partition (``pid``), each document's row in
    it and its first paragraph's position in it (``par0``)."""
    import pyarrow as pa
    from pyspark import TaskContext

    ctx = TaskContext.get()
    pid = ctx.partitionId() if ctx is not None else 0
    row = par = 0
    for b in batches:
        ids = b.column(0).to_pylist()
        texts = b.column(1).to_pylist()
        _check_documents(ids, texts, row)
        an = analyze(texts, cfg, cross=True)
        n = len(texts)
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(np.full(n, pid, dtype=np.int64)),
                pa.array(np.arange(row, row + n, dtype=np.int64)),
                pa.array(par + an.doc_offsets[:-1].astype(np.int64)),
                pa.array(ids, type=pa.string()),
                pa.array(texts, type=pa.string()),
                pa.array([cut_repeats(t, r) for t, r in zip(texts, an.repeats)], type=pa.string()),
                _repeat_lists(an.repeats),
                pa.ListArray.from_arrays(pa.array(an.doc_offsets.astype(np.int32)), _paragraph_structs(texts, an)),
            ],
            names=["pid", "row", "par0", "id", "text", "collapsed", "repeats", "paras"],
        )
        row += n
        par += len(an.starts)


def jaccard_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Columns ``a, b, sa, sb`` -> ``a, b, sim`` (exact Jaccard of the two sets)."""
    import pyarrow as pa

    for b in batches:
        n = b.num_rows
        sa, sb = csr(b.column(2)), csr(b.column(3))
        joint = ShingleSets(
            np.concatenate((sa.values, sb.values)),
            np.concatenate((sa.offsets, sb.offsets[1:] + sa.offsets[-1])),
            np.zeros(2 * n, dtype=np.int64),
        )
        idx = np.arange(n, dtype=np.int64)
        sim = jaccard_pairs(joint, idx, idx + n)
        yield pa.RecordBatch.from_arrays([b.column(0), b.column(1), pa.array(sim)], names=["a", "b", "sim"])


def doc_set_batches(batches: Iterable[pa.RecordBatch], cfg: Config) -> Iterator[pa.RecordBatch]:
    """Columns ``doc, sets`` (a list of paragraph sets) -> ``doc, shingles, keys``:
    each document's union set and its band keys for document LSH."""
    import pyarrow as pa

    for b in batches:
        lists = b.column(1)
        n = b.num_rows
        counts = np.diff(lists.offsets.to_numpy(zero_copy_only=False).astype(np.int64))
        sets = csr(lists.flatten())
        dsets = union_rows(sets, np.arange(len(sets), dtype=np.int64), np.repeat(np.arange(n, dtype=np.int64), counts), n)
        keys = band_keys_of_sets(dsets, cfg.num_perm, cfg.seed, *cfg.doc_lsh)
        yield pa.RecordBatch.from_arrays([b.column(0), binary_column(dsets), long_lists(keys)], names=["doc", "shingles", "keys"])

"""LSH banding, candidate pairs, exact Jaccard of CSR rows, exact-duplicate classes.

Candidates from banding are only candidates: every pair is verified with the
exact Jaccard of its two shingle-hash sets before anything acts on it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from .arrays import chunk_bounds, distinct, group_offsets, ranges, run_ranks, shared_keys
from .config import Config, resolve
from .exact import duplicate_classes, intersection_sizes, jaccard_pairs, set_fingerprints
from .minhash import signatures_of_sets
from .mix import fmix64
from .shingle import ShingleSets

__all__ = ["band_keys", "band_keys_of_sets", "exact_pairs", "to_datasketch_lsh", "candidate_pairs", "jaccard_pairs", "intersection_sizes", "duplicate_classes", "similar_pairs", "set_fingerprints", "unique_pairs", "window_pairs", "head_pairs"]

_U = np.uint64
_BAND_KEY = 0x2545F4914F6CDD1D
_GROUP_KEY = 0x9E3779B97F4A7C15
#: Shingles (plus one per row) whose signatures are computed per block.
_SIG_ROWS_CHUNK = 1 << 18


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n, bands)`` ``uint64`` key of each band of each signature.

    Each band's key mixes a band-specific seed with its ``rows`` values, so keys
    of different bands are unrelated and all keys can share one hash table. Equal
    bands give equal keys; different bands collide with probability about 2**-64
    (a collision only adds a candidate, which verification rejects).
    """
    n = sig.shape[0]
    band = sig[:, : bands * rows].reshape(n, bands, rows).astype(_U)
    acc = np.broadcast_to(_band_seeds(bands), (n, bands)).copy()
    for c in range(0, rows - 1, 2):  # two 32-bit values per mixing step
        acc = fmix64(acc ^ ((band[:, :, c] << _U(32)) | band[:, :, c + 1]))
    if rows % 2:
        acc = fmix64(acc ^ band[:, :, rows - 1])
    return acc


def _band_seeds(bands: int) -> np.ndarray:
    return fmix64(np.arange(bands, dtype=_U) + _U(_BAND_KEY))


def band_keys_of_sets(sets: ShingleSets, num_perm: int, seed: int, bands: int, rows: int) -> np.ndarray:
    """:func:`band_keys` of the signatures of ``sets``, computed a block of rows at a
    time so that only the keys, never all signatures, are held at once."""
    out = np.empty((len(sets), bands), dtype=_U)
    for i0, i1 in chunk_bounds(sets.sizes + 1, _SIG_ROWS_CHUNK):
        sig = signatures_of_sets(sets.take(np.arange(i0, i1)), num_perm, seed, bands * rows)
        out[i0:i1] = band_keys(sig, bands, rows)
    return out


def candidate_pairs(keys: np.ndarray, window: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(left, right)``, ``left < right``, that share a key (from
    :func:`band_keys`, whose keys are unique to their band), unique and sorted. Within a bucket each member is paired with the ``window`` members
    before it (all of them in any bucket no larger than ``window + 1``) and with the
    ``window`` first members of the bucket, so the output stays linear in ``n``
    even when thousands of rows share a key.

    Examples:
        >>> k = np.array([[1, 7], [2, 7], [1, 8]], dtype=np.uint64)
        >>> [a.tolist() for a in candidate_pairs(k)]
        [[0, 0], [1, 2]]
    """
    n, bands = keys.shape
    flat = keys.ravel()  # band seeds make keys of different bands unrelated: one table
    order = shared_keys(flat)
    ids, rank = order // bands, run_ranks(flat[order])
    left, right = window_pairs(ids, rank, window)
    # and with the first ``window`` members of the bucket, which the earliest kept
    # paragraph is among however long the bucket (a text of many near-copies of one
    # line then collapses in one pass)
    at = np.flatnonzero(rank > window)
    cnt = np.minimum(rank[at] - window, window)
    head = at - rank[at]
    left = np.concatenate((left, ids[ranges(head, cnt)]))
    right = np.concatenate((right, np.repeat(ids[at], cnt)))
    return unique_pairs(left, right, n)


def unique_pairs(left: np.ndarray, right: np.ndarray, n: int, *, runs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs ``(left, right)`` of ids below ``n``, sorted, without the pairs
    of an id with itself (a row meets itself only through a 64-bit key collision).
    ``runs``: the pairs are a few outputs of this function one after the other (as
    each process returns its part), which are merged in linear time.

    Examples:
        >>> [a.tolist() for a in unique_pairs(np.array([2, 0, 2, 1]), np.array([3, 1, 3, 1]), 4)]
        [[0, 2], [1, 3]]
        >>> [a.tolist() for a in unique_pairs(np.array([0, 2, 0, 1]), np.array([1, 3, 1, 3]), 4, runs=True)]
        [[0, 1, 2], [1, 3, 3]]
    """
    diff = left != right
    code = distinct(left[diff] * n + right[diff], runs=runs)
    return code // n, code % n


def window_pairs(ids: np.ndarray, rank: np.ndarray, window: int, later: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(earlier, later)`` of ``ids`` sorted bucket by bucket, ``rank`` being each
    one's position in its bucket (:func:`~dedup.arrays.run_ranks` of the sorted keys):
    each is paired with the ``window`` ids before it in its bucket (``later``: only the ids
    it marks are, as the later of a pair).

    Examples:
        >>> [a.tolist() for a in window_pairs(np.array([4, 5, 6, 9]), np.array([0, 1, 2, 0]), 1)]
        [[4, 5], [5, 6]]
    """
    at = np.flatnonzero(rank > 0 if later is None else (rank > 0) & later)
    cnt = np.minimum(rank[at], window)
    return ids[ranges(at - cnt, cnt)], np.repeat(ids[at], cnt)


def head_pairs(ids: np.ndarray, rank: np.ndarray, window: int, later: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`window_pairs`, and each id with the first of its bucket (its *head*) too:
    a bucket's members are all candidates of its earliest one, while the pairs per
    member stay at most ``window + 1``.

    Examples:
        >>> [a.tolist() for a in head_pairs(np.array([4, 5, 6, 7, 9]), np.array([0, 1, 2, 3, 0]), 1)]
        [[4, 5, 6, 4, 4], [5, 6, 7, 6, 7]]
    """
    left, right = window_pairs(ids, rank, window, later)
    at = np.flatnonzero(rank > window if later is None else (rank > window) & later)
    return np.concatenate((left, ids[at - rank[at]])), np.concatenate((right, ids[at]))


def similar_pairs(
    sets: ShingleSets, keys: np.ndarray, threshold: float, window: int = 16, *, groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LSH candidates among the rows of ``sets`` (band ``keys``), verified:
    ``(left, right, similarity)`` of the pairs with exact Jaccard >= ``threshold``
    (compared with a 1e-12 tolerance, so 3/4 counts as 0.75).

    ``groups`` (offsets ``0 = g[0] <= ... = len(sets)``) splits the rows into runs
    searched apart, as if each were its own ``sets`` (each run's keys are mixed
    with its number, so runs share no bucket but through a 64-bit collision,
    whose pairs are dropped)."""
    if groups is not None:
        per = np.diff(group_offsets(groups, len(sets)))
        group = np.repeat(np.arange(len(per), dtype=_U), per)
        keys = keys ^ fmix64(group + _U(_GROUP_KEY))[:, None]
    left, right = candidate_pairs(keys, window)
    if groups is not None:
        same = group[left] == group[right]
        left, right = left[same], right[same]
    sim = jaccard_pairs(sets, left, right)
    ok = sim >= threshold - 1e-12
    return left[ok], right[ok], sim[ok]


def exact_pairs(sets: ShingleSets, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs of rows with exact Jaccard >= ``threshold``, without LSH: the
    ground truth LSH is measured against (and an exact mode for small inputs).

    Prefix filtering (Chaudhuri et al. 2006; Bayardo et al. 2007): order the
    elements rarest first; two sets with Jaccard >= t share an element among the
    first ``|x| - ceil(t * |x|) + 1`` of each, so only rows sharing a prefix
    element are compared. Complete, exact, and far below all pairs on text.

    Examples:
        >>> from dedup.shingle import shingle_sets
        >>> s = shingle_sets(["a b c d e", "a b c d f", "x y z"])
        >>> [a.tolist() for a in exact_pairs(s, 0.5)]
        [[0], [1], [0.5]]
    """
    n = len(sets)
    sizes = sets.sizes
    values = sets.values
    if n < 2 or len(values) == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e.copy(), np.zeros(0, dtype=np.float64)
    uniq, inv, freq = np.unique(values, return_inverse=True, return_counts=True)
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[np.lexsort((uniq, freq))] = np.arange(len(uniq))  # rarest first, ties by value
    row = np.repeat(np.arange(n, dtype=np.int64), sizes)
    r = rank[inv.reshape(-1)]
    order = np.lexsort((r, row))  # within each row, rarest first
    pos = np.arange(len(values), dtype=np.int64) - np.repeat(sets.offsets[:-1], sizes)
    need = np.ceil(threshold * sizes - 1e-9).astype(np.int64)
    plen = sizes - need + 1
    in_prefix = pos < np.repeat(plen, sizes)
    pe, pr = r[order][in_prefix], row[order][in_prefix]
    g = np.lexsort((pr, pe))
    pe, pr = pe[g], pr[g]
    m = len(pe)
    cnt = run_ranks(pe)
    gstart = np.arange(m, dtype=np.int64) - cnt
    has = cnt > 0
    left = pr[ranges(gstart[has], cnt[has])]
    right = np.repeat(pr[has], cnt[has])
    if len(left) == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e.copy(), np.zeros(0, dtype=np.float64)
    code = distinct(np.minimum(left, right) * n + np.maximum(left, right))
    left, right = code // n, code % n
    sim = jaccard_pairs(sets, left, right)
    ok = sim >= threshold - 1e-12
    return left[ok], right[ok], sim[ok]


def to_datasketch_lsh(
    signatures: np.ndarray,
    keys: Sequence[Hashable],
    config: Config | None = None,
    *,
    storage_config: dict[str, Any] | None = None,
    basename: bytes | None = None,
) -> Any:
    """A ``datasketch.MinHashLSH`` holding these signatures (rows of
    :func:`dedup.signatures`) under ``keys``, banded exactly as dedup bands them.

    ``storage_config`` is datasketch's: ``None`` for memory, or e.g.
    ``{"type": "redis", "redis": {"host": "localhost", "port": 6379}}`` for users
    who already run Redis (``pip install '.[redis]'``). Candidates it returns
    are unverified, as with any MinHashLSH; verify them with the exact Jaccard
    (:func:`jaccard_pairs`) as dedup does.
    """
    from datasketch import MinHashLSH

    from .minhash import to_lean_minhash

    cfg = resolve(config)
    signatures = np.asarray(signatures)
    if signatures.ndim != 2 or signatures.shape[1] != cfg.num_perm or signatures.dtype != np.uint32:
        raise ValueError(
            f"signatures must be a uint32 array of shape (n, {cfg.num_perm}) from dedup.signatures with this "
            f"config, got {signatures.dtype} {signatures.shape}"
        )
    if len(keys) != len(signatures):
        raise ValueError(f"got {len(keys)} keys for {len(signatures)} signatures; give one key per row")
    kwargs: dict[str, Any] = {"threshold": cfg.threshold, "num_perm": cfg.num_perm, "params": cfg.lsh}
    if storage_config is not None:
        kwargs["storage_config"] = dict(storage_config, basename=basename) if basename else storage_config
    lsh = MinHashLSH(**kwargs)
    with lsh.insertion_session() as session:
        for key, row in zip(keys, signatures):
            session.insert(key, to_lean_minhash(row, cfg))
    return lsh

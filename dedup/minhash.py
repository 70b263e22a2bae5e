"""MinHash signatures in bulk, bit-identical to ``datasketch.MinHash(scheme="affine32")``.

datasketch's affine32 scheme pre-mixes each 32-bit input hash with the
MurmurHash3 finalizer and applies ``h -> a_k * h + b_k (mod 2**32)`` for each
permutation ``k``, keeping the minimum; an empty set keeps ``2**32 - 1``. The
permutation parameters are drawn as datasketch draws them (numpy's
``RandomState(seed)``: odd ``a``, any ``b``), without importing datasketch, which
costs most of a worker process's start; tests pin them to datasketch's own for
many seeds, so a change there fails the tests instead of drifting.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from .config import Config, resolve
from .mix import fmix32
from .shingle import ShingleSets, shingle_sets
from .text import check_text

if TYPE_CHECKING:
    from datasketch import LeanMinHash

__all__ = ["EMPTY", "permutations", "signatures", "signatures_of_sets", "to_lean_minhash"]

#: The value of every slot of an empty set's signature (as in datasketch).
EMPTY = np.uint32(0xFFFFFFFF)
#: uint32 cells per chunk of the (permutations x shingles) product: 4 MiB, so a
#: chunk stays in cache between the affine step and the reduction.
_CELLS = 1 << 20


@functools.lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)``: the affine32 permutation parameters datasketch draws for ``seed``."""
    gen = np.random.RandomState(seed)  # datasketch's affine32 draws, in its order
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def signatures_of_sets(sets: ShingleSets, num_perm: int = 128, seed: int = 1, columns: int | None = None) -> np.ndarray:
    """Signatures ``(len(sets), num_perm)`` ``uint32`` of CSR shingle-hash sets; only their
    first ``columns`` values where given (each value is one permutation's minimum, so these
    are the same as the full signatures' first columns).

    Layout: permutations times the shingles of a chunk, ``(num_perm, chunk)``,
    reduced per paragraph with ``np.minimum.reduceat`` along the shingle axis
    (measured faster than the transposed layout). Chunks hold about 1M cells
    whatever the paragraph sizes, so a 10 MB paragraph streams through in pieces.
    """
    a, b = permutations(num_perm, seed)
    if columns is not None:
        if not 0 < columns <= num_perm:
            raise ValueError(f"columns must be in 1..num_perm ({num_perm}), got {columns}")
        a, b, num_perm = a[:columns], b[:columns], columns
    n = len(sets)
    out = np.full((n, num_perm), EMPTY, dtype=np.uint32)
    values, offsets = sets.values, sets.offsets
    if len(values) == 0:
        return out
    hv = fmix32(values)
    step = max(1, _CELLS // num_perm)
    buf = np.empty((num_perm, min(step, len(values))), dtype=np.uint32)
    a_col, b_col = a[:, None], b[:, None]
    for c0 in range(0, len(values), step):
        c1 = min(c0 + step, len(values))
        # rows with at least one shingle in [c0, c1)
        r0 = int(np.searchsorted(offsets, c0, side="right")) - 1
        r1 = int(np.searchsorted(offsets, c1, side="left"))
        rows = np.arange(r0, r1, dtype=np.int64)
        lo = np.maximum(offsets[rows], c0)
        hi = np.minimum(offsets[rows + 1], c1)
        nonempty = hi > lo
        rows, lo = rows[nonempty], lo[nonempty]
        block = buf[:, : c1 - c0]
        np.multiply(a_col, hv[None, c0:c1], out=block)
        block += b_col
        mins = np.minimum.reduceat(block, lo - c0, axis=1).T
        out[rows] = np.minimum(out[rows], mins)
    return out


def _texts(paragraphs: Iterable[object]) -> list[str]:
    if isinstance(paragraphs, (str, bytes)):
        raise TypeError(
            "signatures() takes an iterable of paragraphs, got a single "
            f"{type(paragraphs).__name__}; wrap it in a list or split it with dedup.split_paragraphs()"
        )
    out: list[str] = []
    for i, p in enumerate(paragraphs):
        if isinstance(p, str):
            out.append(p)
            continue
        text = getattr(p, "text", None)
        if not isinstance(text, str):
            check_text(p, what=f"paragraphs[{i}]")  # raises, naming the type
            raise TypeError(f"paragraphs[{i}] must be str or dedup.Paragraph, got {type(p).__name__}")
        out.append(text)
    return out


def signatures(paragraphs: Iterable[object], config: Config | None = None) -> np.ndarray:
    """MinHash signatures of paragraphs (``str`` or :class:`~dedup.Paragraph`).

    Row ``i`` equals ``datasketch.MinHash(num_perm, seed, hashfunc=dedup.shingle_hash,
    scheme="affine32")`` after ``update_batch(dedup.shingles(p_i))``, bit for bit.

    Examples:
        >>> sig = signatures(["Baca juga: banjir di Samarinda", ""])
        >>> sig.shape, sig.dtype.name, int(sig[1, 0]) == 2**32 - 1
        ((2, 128), 'uint32', True)
    """
    cfg = resolve(config)
    return signatures_of_sets(shingle_sets(_texts(paragraphs), cfg), cfg.num_perm, cfg.seed)


def to_lean_minhash(row: np.ndarray, config: Config | None = None) -> LeanMinHash:
    """A ``datasketch.LeanMinHash`` of one signature row, for ``MinHashLSH`` and its storages."""
    cfg = resolve(config)
    row = np.asarray(row)
    if row.shape != (cfg.num_perm,) or row.dtype != np.uint32:
        raise ValueError(
            f"row must be a uint32 array of shape ({cfg.num_perm},) (one row of dedup.signatures "
            f"with this config), got dtype {row.dtype} shape {row.shape}; did you forget to pass "
            f"the same config (num_perm)?"
        )
    from datasketch import LeanMinHash

    return LeanMinHash(seed=cfg.seed, hashvalues=row, scheme="affine32")

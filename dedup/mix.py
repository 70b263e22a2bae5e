"""Integer mixers shared by the hashing stages (shingles, fingerprints, band keys, signatures).

The MurmurHash3 finalizers are fixed bijections with good avalanche. They are
used element-wise on numpy arrays (wrapping arithmetic is the intended modulo)
and, for the pure-Python reference functions, on Python ints.
"""

from __future__ import annotations

import numpy as np

__all__ = ["M32", "M64", "fmix32", "fmix64", "fmix64_int"]

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF

_C1_64 = np.uint64(0xFF51AFD7ED558CCD)
_C2_64 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_C1_32 = np.uint32(0x85EBCA6B)
_C2_32 = np.uint32(0xC2B2AE35)
_S16 = np.uint32(16)
_S13 = np.uint32(13)


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 64-bit finalizer over a ``uint64`` array (returns a new array)."""
    h = h ^ (h >> _S33)
    h *= _C1_64
    h ^= h >> _S33
    h *= _C2_64
    h ^= h >> _S33
    return h


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 32-bit finalizer over a ``uint32`` array, as datasketch applies it."""
    h = h ^ (h >> _S16)
    h *= _C1_32
    h ^= h >> _S13
    h *= _C2_32
    h ^= h >> _S16
    return h


def fmix64_int(h: int) -> int:
    """:func:`fmix64` on one Python int (the reference for the array version).

    Examples:
        >>> fmix64_int(0)
        0
        >>> int(fmix64(np.array([12345], dtype=np.uint64))[0]) == fmix64_int(12345)
        True
    """
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & M64
    h ^= h >> 33
    return h

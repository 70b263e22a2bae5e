"""An array made of parts (:class:`Joined`), joined once, where it is used."""

from __future__ import annotations

import numpy as np

__all__ = ["Joined"]


class Joined:
    """The concatenation of ``parts`` (arrays of one dtype, along their first axis), made
    on first use (by :meth:`array`, or the runner before a step goes to the workers), so a
    step that runs here on one part makes no copy. Compared (and hashed) by identity."""

    __slots__ = ("parts", "_array")

    def __init__(self, parts: tuple[np.ndarray, ...]):
        self.parts = parts
        self._array: np.ndarray | None = None

    @property
    def size(self) -> int:
        return sum(p.size for p in self.parts)

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.parts)

    def array(self) -> np.ndarray:
        """The concatenation (made on the first call, then kept)."""
        if self._array is None:
            self._array = self.parts[0] if len(self.parts) == 1 else np.concatenate(self.parts)
        return self._array

"""Settings of the corpus driver: read where they are used (set them as
``dedup.corpus.settings.NAME = value``); none changes a result, only where and in what
pieces the work runs.

:data:`PARALLEL_MIN_ITEMS` and :data:`SPAWN_MIN_ITEMS`: how large a corpus-wide step must be
to be shared with the workers, or to start them for it; :data:`WORKERS_AFTER`: batches run here
before the workers take them; :data:`SHARE_DIR` and :data:`MAP_MIN_BYTES`: where, and from what
size, arrays go to the workers as files they map (``SHARE_DIR = None``: all pickled); :data:`RANGE_PIECE`: band keys
sorted at once; :data:`RESULT_CHUNK`: documents per chunk of :meth:`Corpus.results`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from ..templates import FAMILIES

__all__ = ["DOC_SETS_BYTES", "JACCARD_PIECE", "LINK_VERIFY", "PARALLEL_MIN_ITEMS", "SPAWN_MIN_ITEMS", "RANGE_PIECES", "PIECES", "WORKERS_AFTER",
           "RESULT_CHUNK", "RANGE_PIECE", "LINK_PIECE", "SHARE_DIR", "MAP_MIN_BYTES", "Share", "P_DOC", "P_START", "P_END",
           "P_CUT", "P_TOKENS", "P_NODE", "P_REMOVED", "P_FORM", "P_LEAD", "P_COLUMNS"]

#: Below this many items (keys, paragraphs, shingles), a corpus-wide step runs in this process
#: only; below the second figure, it does not start the workers for it (that costs about a second)
#: or wait for one still starting.
PARALLEL_MIN_ITEMS = 1 << 18
SPAWN_MIN_ITEMS = 1 << 23
#: Pieces per process of a shared corpus-wide step (see Runner.share): of the key-range
#: steps (each piece reads all keys: as many as processes) and of the others (made one by one).
RANGE_PIECES, PIECES = 1, 8
#: Batches this process runs before the workers take the others (a one-batch input starts none).
WORKERS_AFTER = 1
#: Candidate document pairs verified at once by linking_edges (the pairs of a piece whose documents
#: the pieces before linked are not compared).
LINK_PIECE = 1 << 15
#: Document sets kept in memory for a document-clustering pass while their paragraphs' sets hold
#: at most this many bytes (an upper bound of theirs); beyond, each piece of pairs makes the sets
#: it compares and drops them (bounded memory, at about twice the work of making each set once).
DOC_SETS_BYTES = 1 << 30
#: Shingles (of both sides) of the pairs compared at once where document sets are made per piece.
JACCARD_PIECE = 1 << 23
#: Shingles (of both sides) of the node pairs verified at once (a linking pass's candidates, each
#: paragraph against its cluster's earliest one).
LINK_VERIFY = 1 << 24
#: Documents per chunk of :meth:`Corpus.results`.
RESULT_CHUNK = 512
#: Band keys sorted at once by a key-range step (see bucket_pairs).
RANGE_PIECE = 1 << 21
#: Runner.share: ``share(fn, make, cuts)``.
Share = Callable[[Callable[..., Any], Callable[[int, int], tuple[Any, ...]], Sequence[int]], list[Any]]
#: Columns of the per-paragraph array kept for every stored paragraph.
#: P_FORM: the paragraph's form bits (dedup.forms); P_LEAD and on: its template-family keys
#: (dedup.templates.lead_keys), one per family kind.
P_DOC, P_START, P_END, P_CUT, P_TOKENS, P_NODE, P_REMOVED, P_FORM, P_LEAD = range(9)
P_COLUMNS = P_LEAD + len(FAMILIES)
#: Where arrays for the workers are written (joblib's ``temp_folder``: memory-backed where the
#: system has it; ``None``: nowhere, everything is pickled).
SHARE_DIR = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
#: Arrays larger than this go to the workers as mapped files (joblib's ``max_nbytes``), smaller ones pickled.
MAP_MIN_BYTES = 1 << 20


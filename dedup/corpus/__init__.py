"""The corpus driver (see :mod:`dedup.corpus.core`): documents in (:mod:`~dedup.corpus.batches`),
the node index (:mod:`~dedup.corpus.nodes`, :mod:`~dedup.corpus.pairs`), clusters
(:mod:`~dedup.corpus.clusters`), the parallel runner (:mod:`~dedup.corpus.runner`, on joblib) and its settings (:mod:`~dedup.corpus.settings`)."""

import sys
import types
from typing import Any

from . import settings
from .batches import BatchAnalysis, analyze_batch, document
from .core import Corpus, dedupe, stream
from .joined import Joined
from .nodes import KeyRuns, Nodes, NodeStore
from .runner import Runner, keep_heap, quiet_interrupts
from .settings import P_CUT, P_DOC, P_END, P_NODE, P_REMOVED, P_START, P_TOKENS

__all__ = ["Corpus", "dedupe", "document", "stream", "keep_heap", "quiet_interrupts", "Runner", "Nodes", "NodeStore", "KeyRuns",
           "BatchAnalysis", "analyze_batch", "Joined", "P_DOC", "P_START", "P_END",
           "P_CUT", "P_TOKENS", "P_NODE", "P_REMOVED"]


class _Package(types.ModuleType):
    """``dedup.corpus.NAME`` reads and sets :mod:`dedup.corpus.settings` for its settings."""

    def __getattr__(self, name: str) -> Any:
        if name in settings.__all__:
            return getattr(settings, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in settings.__all__:
            setattr(settings, name, value)
        else:
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

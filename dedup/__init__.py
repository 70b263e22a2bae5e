"""dedup: find and collapse near-duplicate paragraphs and repeated blocks."""

from .collapse import Block, ExplainedText, Repeat, collapse, explain, find_repeats
from .config import Config
from .corpus import Corpus, dedupe
from .index import IndexMismatchError
from .minhash import signatures, to_lean_minhash
from .results import CorpusSummary, DocResult, ParagraphInfo, Paragraphs
from .shingle import shingle_hash, shingles
from .text import Paragraph, normalize, split_paragraphs, tokenize

__all__ = [
    "Corpus",
    "CorpusSummary",
    "DocResult",
    "ParagraphInfo",
    "Paragraphs",
    "dedupe",
    "IndexMismatchError",
    "Block",
    "ExplainedText",
    "Repeat",
    "collapse",
    "explain",
    "find_repeats",
    "Config",
    "Paragraph",
    "normalize",
    "shingle_hash",
    "shingles",
    "signatures",
    "split_paragraphs",
    "to_lean_minhash",
    "tokenize",
]
__version__ = "0.1.0"

"""Within-document collapse: the kernel every driver calls, and its public functions.

:func:`analyze` splits a batch of texts into paragraphs, shingles and signs them
once, finds each text's verified matches (Jaccard, containment) and runs the
policy (:mod:`dedup.policy`) and the in-paragraph search (:mod:`dedup.inside`)
on each text. :func:`collapse`, :func:`find_repeats` and :func:`explain` are a
batch of one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .additions import adds_fact
from .authored import keep_meant
from .candidates import MIN_RUN_TOKENS, TextCandidates, text_candidates
from .config import Config, resolve
from .glue import LOW, bodies, glued_pairs
from .inside import inside_cuts
from .lsh import band_keys_of_sets, duplicate_classes
from .policy import COPY, Matches, decide
from .repeats import REPEAT_KINDS, Block, ExplainedText, Repeat, cut_repeats
from .settle import merge_later_cuts
from .shingle import ShingleSets, shingle_sets
from .text import check_text, paragraph_spans
from .tokens import word_weight

__all__ = ["REPEAT_KINDS", "Repeat", "Block", "ExplainedText", "Analysis", "analyze", "cut_repeats", "find_repeats", "iter_repeats", "collapse", "explain"]


def iter_repeats(text: str, config: Config | None = None, *, encoding: str | None = None) -> Iterator[Repeat]:
    """The repeats of ``text`` in order (see :func:`find_repeats`)."""
    cfg = resolve(config)
    text = check_text(text, encoding)
    return iter(_find(text, cfg))


@dataclass(frozen=True)
class Analysis:
    """The within-document analysis of a batch of texts: the one kernel that
    :func:`collapse` (a batch of one) and the corpus driver both call.

    Paragraph arrays cover all paragraphs of all texts, text after text;
    ``doc_offsets[d]:doc_offsets[d + 1]`` are the paragraphs of text ``d``.
    ``cls`` maps each paragraph to its exact-duplicate class in the batch,
    ``rep_sets``/``keys`` hold each class's shingle set and LSH band keys.
    """

    starts: np.ndarray
    ends: np.ndarray
    cuts: np.ndarray
    doc_offsets: np.ndarray
    tokens: np.ndarray
    cls: np.ndarray
    rep_sets: ShingleSets
    keys: np.ndarray | None
    repeats: tuple[tuple[Repeat, ...], ...]


def analyze(texts: Sequence[str], cfg: Config, *, cross: bool = False, settle: bool = True) -> Analysis:
    """Split, shingle, sign and collapse many texts (already validated ``str``) at once.

    Everything vectorizable runs once for the whole batch, each text's candidate
    matches too (:func:`~dedup.candidates.text_candidates`); the per-text work is
    the policy. ``cross=True``
    computes band keys even when ``cfg.candidates == "exact"`` (the corpus
    driver needs them across documents). ``settle=False`` gives the cuts of one
    pass, without collapsing each collapse again until nothing more goes.
    """
    spans = [paragraph_spans(t, cfg.mode) for t in texts]
    counts = np.fromiter((len(sp[0]) for sp in spans), dtype=np.int64, count=len(spans))
    doc_offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=doc_offsets[1:])
    e64 = np.zeros(0, dtype=np.int64)
    starts = np.concatenate([sp[0] for sp in spans]) if spans else e64
    ends = np.concatenate([sp[1] for sp in spans]) if spans else e64
    cuts = np.concatenate([sp[2] for sp in spans]) if spans else e64
    paras = [t[s:e] for t, sp in zip(texts, spans) for s, e in zip(sp[0].tolist(), sp[1].tolist())]
    sets = shingle_sets(paras, cfg)
    cls, reps = duplicate_classes(sets)
    rep_sets = sets.take(reps)
    keys = None
    if cfg.candidates == "lsh" or cross:
        keys = band_keys_of_sets(rep_sets, cfg.num_perm, cfg.seed, *cfg.lsh)
    run, cands = text_candidates(np.flatnonzero(counts >= 1), doc_offsets, cls, rep_sets, keys, cfg,
                                 min(LOW, cfg.threshold))  # (pairs below the threshold count only as glued copies)
    out: list[tuple[Repeat, ...]] = [()] * len(texts)
    for d, cand in zip(run.tolist(), cands):
        p0, p1 = int(doc_offsets[d]), int(doc_offsets[d + 1])
        reps, unsettled = _doc_repeats(cfg, texts[d], starts[p0:p1], ends[p0:p1], cuts[p0:p1], sets.tokens[p0:p1], cand)
        if unsettled and settle:
            reps = _settle(texts[d], reps, starts[p0:p1].tolist(), cfg)
        out[d] = tuple(reps)
    return Analysis(starts, ends, cuts, doc_offsets, sets.tokens, cls, rep_sets, keys, tuple(out))


def _doc_repeats(cfg: Config, text: str, starts: np.ndarray, ends: np.ndarray, cuts: np.ndarray, tokens: np.ndarray,
                 cand: TextCandidates) -> tuple[list[Repeat], bool]:
    """The policy on one text, given its classes and candidate matches, and whether
    collapsing the collapse may cut more (a cut inside a paragraph, or a lone copy
    kept for its place, can leave a copy or a run behind)."""
    cls, sizes = cand.cls, cand.sizes
    left, right, sim = cand.pairs
    sl, el, cl = starts.tolist(), ends.tolist(), cuts.tolist()
    heads = cand.heads.tolist()
    left, right, sim, glued = glued_pairs(left, right, sim, sizes, cfg.threshold,
                                          lambda c: text[sl[heads[c]] : el[heads[c]]], cfg.shingle_size)
    copy, container, share = cand.contained
    later = copy > container
    matches = Matches(cls, sizes > 0, left, right, sim, (copy[later], container[later], share[later]))
    cl_ = cls.tolist()

    paras: dict[int, str] = {}  # (one object per paragraph: a long witness is hashed once by the caches of adds_fact)

    def para(k: int) -> str:
        if k not in paras:
            paras[k] = text[sl[k] : el[k]]
        return paras[k]

    def new_fact(i: int, w: int) -> bool:  # (one class: the same tokens, so the same numbers and words)
        return cl_[i] != cl_[w] and adds_fact(para(i), para(w), bodies(glued, cl_[i], cl_[w]))

    dec = decide(cls, word_weight(text, starts, ends, tokens), matches, cfg.min_tokens, new_fact)
    found = len(dec.removed)
    dec = keep_meant(dec, text, starts, ends, tokens, lambda i, j: matches.sim(cl_[i], cl_[j]) > 0.0)
    rem, blocks = dec.removed, dec.block
    out = [Repeat(sl[i], cl[i], sl[w], el[w], s, b, i, w,
                  "glued" if k == COPY and bodies(glued, cl_[i], cl_[w]) else REPEAT_KINDS[k])
           for i, w, s, b, k in zip(rem, dec.witness, dec.similarity, blocks, dec.kind)]
    # inside a paragraph: one that repeats its own shingles, or holds a whole earlier one
    holds = cand.own.copy()
    holds[container[~later]] = True
    witness = np.zeros(len(sizes), dtype=bool)
    witness[copy[~later]] = True
    inside = _inside_repeats(text, starts, ends, cuts, holds[cls], witness[cls], set(rem), max(blocks, default=-1) + 1)
    return (sorted(out + inside, key=lambda r: r.start) if inside else out), bool(inside) or len(dec.removed) < found


def _inside_repeats(text: str, starts: np.ndarray, ends: np.ndarray, cuts: np.ndarray, may: np.ndarray,
                    witness: np.ndarray, gone: set[int], block0: int) -> list[Repeat]:
    """Runs of sentences cut inside the paragraphs that ``may`` hold one (not
    ``gone`` already), witnessed by those or by the ``witness`` paragraphs; a run
    that is a whole paragraph is cut with its terminator, as ``"contained"``."""
    if not may.any():
        return []
    sl, el, cl = starts.tolist(), ends.tolist(), cuts.tolist()
    look = np.flatnonzero(may | witness).tolist()
    cand = ((i, sl[i], el[i], bool(may[i]), bool(witness[i])) for i in look if i not in gone)
    return [Repeat(c.start, c.end, c.witness_start, c.witness_end, 1.0, block0 + b, c.index, c.witness_index, "inside")
            if c.start > sl[c.index] or c.end < el[c.index] else
            Repeat(c.start, cl[c.index], c.witness_start, c.witness_end, 1.0, block0 + b, c.index, c.witness_index,
                   "contained")
            for b, c in enumerate(inside_cuts(text, cand, MIN_RUN_TOKENS))]


#: Collapses of a collapse at most (each one cuts more text, so there are few).
_MAX_PASSES = 8


def _settle(text: str, reps: list[Repeat], para_starts: list[int], cfg: Config) -> list[Repeat]:
    """``reps`` with what collapsing the collapsed text again would cut too, until
    nothing more is cut (a cut inside a paragraph can leave a copy behind)."""
    for _ in range(_MAX_PASSES):
        more = analyze([cut_repeats(text, reps)], cfg, settle=False).repeats[0]
        if not more:
            break
        reps = merge_later_cuts(reps, more, para_starts, max((r.block for r in reps), default=-1) + 1)
    return reps


def _find(text: str, cfg: Config) -> list[Repeat]:
    return list(analyze([text], cfg).repeats[0])


def find_repeats(text: str, config: Config | None = None, *, encoding: str | None = None) -> list[Repeat]:
    """Every paragraph :func:`collapse` removes, with the kept paragraph it repeats.

    Examples:
        >>> t = "Lede.\\nA body paragraph with well over eight words in it.\\n(c) 2024\\n" * 2
        >>> [(r.index, r.witness_index, r.similarity, r.block) for r in find_repeats(t)]
        [(3, 0, 1.0, 0), (4, 1, 1.0, 0), (5, 2, 1.0, 0)]
    """
    return list(iter_repeats(text, config, encoding=encoding))


def explain(text: str, config: Config | None = None, *, encoding: str | None = None) -> ExplainedText:
    """The collapse of ``text`` together with the evidence for each removal."""
    cfg = resolve(config)
    text = check_text(text, encoding)
    reps = _find(text, cfg)
    return ExplainedText(text, cut_repeats(text, reps), tuple(reps))


def collapse(text: str, config: Config | None = None, *, encoding: str | None = None) -> str:
    """``text`` with later copies of repeated paragraphs and blocks cut out.

    Every other character is kept as it was; a text without repeats comes back
    unchanged.

    Examples:
        >>> long = "A long paragraph, repeated later on, of more than eight words."
        >>> collapse(f"Ya.\\n{long}\\nTidak.\\n{long}\\nYa.\\n") == f"Ya.\\n{long}\\nTidak.\\nYa.\\n"
        True
    """
    cfg = resolve(config)
    text = check_text(text, encoding)
    return cut_repeats(text, _find(text, cfg))

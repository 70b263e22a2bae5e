"""The within-document policy: matches -> runs -> repeats -> collapsed text.

A paragraph is removed when an earlier *kept* paragraph has exact Jaccard
similarity >= ``threshold`` with it, and it is either long (``min_tokens`` word
tokens) or part of a run of such copies that mirrors an earlier run (each copy's
witness follows the previous copy's witness) and holds a long one. So a footer
or a "Read also" line inside a repeated body goes, and an isolated ``***`` or
``Ya.`` stays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ._mix import fmix64
from .arrays import distinct, ranges
from .config import Config, resolve
from .contain import contained_pairs
from .inside import inside_cuts
from .settle import merge_later_cuts
from .lsh import band_keys_of_sets, duplicate_classes, exact_pairs, similar_pairs
from .shingle import ShingleSets, shingle_sets
from .text import NOSPACE, adds_numbers, adds_words, char_classes, check_text, paragraph_spans

__all__ = ["REPEAT_KINDS", "Repeat", "Block", "ExplainedText", "Analysis", "analyze", "cut_repeats", "find_repeats", "iter_repeats", "collapse", "explain"]

_KEPT, _PENDING, _REMOVED = 0, 1, 2

#: The values of :attr:`Repeat.kind`, in the order their codes are stored.
REPEAT_KINDS = ("copy", "contained", "inside")
_MEASURES = {"copy": "Jaccard", "contained": "containment", "inside": "same sentences"}


@dataclass(frozen=True)
class Repeat:
    """One removal and its evidence.

    ``[start, end)`` is the removed span of the input (the paragraph and its line
    terminator); ``[witness_start, witness_end)`` is the kept earlier paragraph it
    repeats; ``similarity`` is the exact Jaccard of their shingle sets; ``block``
    numbers the repeated run it belongs to; ``index``/``witness_index`` are the
    two paragraphs' positions among the paragraphs of the text. ``kind`` says
    what decided: ``"copy"`` (``similarity`` is the Jaccard of the two
    paragraphs), ``"contained"`` (``similarity`` is the share of the removed
    paragraph's shingles found in the longer witness) or ``"inside"`` (a run of
    sentences inside paragraph ``index``, equal sentence by sentence to a run of
    the kept text; ``similarity`` is 1.0).
    """

    start: int
    end: int
    witness_start: int
    witness_end: int
    similarity: float
    block: int
    index: int
    witness_index: int
    kind: str = "copy"

    @property
    def measure(self) -> str:
        """What ``similarity`` measures, in words: ``"Jaccard"``, ``"containment"``
        or ``"same sentences"``."""
        return _MEASURES.get(self.kind, "Jaccard")


@dataclass(frozen=True)
class Block:
    """A run of consecutive removed paragraphs that mirrors an earlier run."""

    block: int
    start: int
    end: int
    witness_start: int
    witness_end: int
    paragraphs: int
    min_similarity: float


@dataclass(frozen=True)
class ExplainedText:
    """A text, its collapse, and the evidence for every removal."""

    text: str
    collapsed: str
    repeats: tuple[Repeat, ...]

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The removed runs, in order."""
        out: list[Block] = []
        by: dict[int, list[Repeat]] = {}
        for r in self.repeats:
            by.setdefault(r.block, []).append(r)
        for b, rs in sorted(by.items()):
            out.append(
                Block(
                    b,
                    rs[0].start,
                    rs[-1].end,
                    min(r.witness_start for r in rs),
                    max(r.witness_end for r in rs),
                    len(rs),
                    min(r.similarity for r in rs),
                )
            )
        return tuple(out)

    def report(self, width: int = 72) -> str:
        """A human-readable account of every removal."""

        def clip(s: str) -> str:
            s = " ".join(s.split())
            return s if len(s) <= width else s[: width - 1] + "…"

        lines = [
            f"{len(self.repeats)} paragraph(s) removed in {len(self.blocks)} block(s); "
            f"{len(self.text)} -> {len(self.collapsed)} characters"
        ]
        for r in self.repeats:
            lines.append(
                f"- block {r.block}: removed [{r.start}:{r.end}] {clip(self.text[r.start:r.end])!r}\n"
                f"    repeats [{r.witness_start}:{r.witness_end}] "
                f"{clip(self.text[r.witness_start:r.witness_end])!r} ({r.measure} {r.similarity:.3f})"
            )
        return "\n".join(lines)


class _Matches:
    """Verified similar pairs between duplicate classes, as adjacency lists.

    Only classes that can match anything are stored: those with more than one
    member (a non-empty set matches itself) and those with a verified pair.
    """

    def __init__(self, cls: np.ndarray, nonempty: np.ndarray, left: np.ndarray, right: np.ndarray, sim: np.ndarray,
                 contained: tuple[np.ndarray, np.ndarray, np.ndarray]):
        count = np.bincount(cls, minlength=len(nonempty))
        self.adj: dict[int, list[tuple[int, float]]] = {
            c: [(c, 1.0)] for c in np.flatnonzero((count > 1) & nonempty).tolist()
        }
        self.pair: dict[tuple[int, int], float] = {}
        for a, b, s in zip(left.tolist(), right.tolist(), sim.tolist()):
            self.adj.setdefault(a, []).append((b, s))
            self.adj.setdefault(b, []).append((a, s))
            self.pair[(a, b)] = s
        #: copy class -> [(container class, containment)]
        self.containers: dict[int, list[tuple[int, float]]] = {}
        for a, b, s in zip(*(x.tolist() for x in contained)):
            self.containers.setdefault(a, []).append((b, s))

    def relevant(self, cls: np.ndarray) -> np.ndarray:
        """Indices of the paragraphs whose class can match anything."""
        mask = np.zeros(int(cls.max()) + 1 if len(cls) else 0, dtype=bool)
        mask[list(self.adj)] = True
        mask[list(self.containers)] = True
        mask[[c for held in self.containers.values() for c, _ in held]] = True
        return np.flatnonzero(mask[cls])

    def sim(self, a: int, b: int) -> float:
        if a == b:
            return 1.0 if a in self.adj else 0.0
        return self.pair.get((a, b) if a < b else (b, a), 0.0)


def _policy(
    cls: np.ndarray, tokens: np.ndarray, m: _Matches, min_tokens: int, new_fact: Callable[[int, int], bool]
) -> tuple[list[int], list[int], list[float], list[int], list[int]]:
    """Decide removals left to right. Returns ``(removed, witness, similarity, block, kind)``.

    Paragraphs whose class matches nothing are kept without being visited; a
    run is a maximal sequence of consecutive copies whose witnesses are
    consecutive too, and it is removed iff it holds a long paragraph for which
    ``new_fact(copy, witness)`` does not hold (a copy that says something its
    witness does not, such as another number, does not make a run a copy; a run
    of such copies only is a list of items sharing a template). A long paragraph that starts
    no run is removed on its own when a kept container holds it.
    """
    n = len(cls)
    cl = cls.tolist()
    long_ = (tokens >= min_tokens).tolist()
    status = [_KEPT] * n
    wit = [-1] * n
    sims = [0.0] * n
    first_kept: dict[int, int] = {}
    # (class of i, class of i + 1) -> first i with both kept: a witness whose
    # successor can witness our successor is found with one lookup.
    first_pair: dict[tuple[int, int], int] = {}
    removed: list[int] = []
    blocks: list[int] = []
    kinds: list[int] = []
    nblock = 0

    def keep(i: int) -> None:
        c = cl[i]
        first_kept.setdefault(c, i)
        if i and status[i - 1] == _KEPT:
            first_pair.setdefault((cl[i - 1], c), i - 1)

    def close(run: list[int]) -> None:
        nonlocal nblock
        if any(long_[i] and not new_fact(i, wit[i]) for i in run):
            for i in run:
                status[i] = _REMOVED
                removed.append(i)
                blocks.append(nblock)
                kinds.append(0)
            nblock += 1
        else:
            for i in run:
                status[i] = _KEPT
                keep(i)

    run: list[int] = []
    for j in m.relevant(cls).tolist():
        cj = cl[j]
        if run and run[-1] == j - 1:
            w = wit[j - 1] + 1
            if status[w] == _KEPT:
                s = m.sim(cl[w], cj)
                if s > 0.0:
                    wit[j], sims[j], status[j] = w, s, _PENDING
                    run.append(j)
                    continue
        if run:
            close(run)
            run = []
        # Witness: prefer one whose successor matches our successor (the run
        # continues), then the highest similarity, then the earliest.
        best: tuple[bool, float, int] | None = None
        nxt_adj = m.adj.get(cl[j + 1], ()) if j + 1 < n else ()
        for c2, s in m.adj.get(cj, ()):
            i = first_kept.get(c2)
            if i is not None and (best is None or (False, s, -i) > best):
                best = (False, s, -i)
            for c3, _ in nxt_adj:
                i = first_pair.get((c2, c3))
                if i is not None and (best is None or (True, s, -i) > best):
                    best = (True, s, -i)
        if best is None:
            # held by a kept container: a long line on its own, a short one right
            # after a line that the same container holds
            prev = wit[j - 1] if j and status[j - 1] == _REMOVED and kinds and removed[-1] == j - 1 and kinds[-1] else -1
            if long_[j] or prev >= 0:
                held = [(s, -i) for c2, s in m.containers.get(cj, ()) if (i := first_kept.get(c2)) is not None
                        and (long_[j] or i == prev)]
                if held and not new_fact(j, -max(held)[1]):
                    s, i = max(held)
                    wit[j], sims[j], status[j] = -i, s, _REMOVED
                    removed.append(j)
                    blocks.append(nblock)
                    kinds.append(1)
                    nblock += 1
                    continue
            keep(j)
            continue
        wit[j], sims[j], status[j] = -best[2], best[1], _PENDING
        run = [j]
    if run:
        close(run)
    order = sorted(range(len(removed)), key=removed.__getitem__)
    rem = [removed[k] for k in order]
    return rem, [wit[i] for i in rem], [sims[i] for i in rem], [blocks[k] for k in order], [kinds[k] for k in order]


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


def analyze(texts: Sequence[str], cfg: Config, *, cross: bool = False) -> Analysis:
    """Split, shingle, sign and collapse many texts (already validated ``str``) at once.

    Everything vectorizable runs once for the whole batch; the per-text work is
    the candidate pairs among that text's classes and the policy. ``cross=True``
    computes band keys even when ``cfg.candidates == "exact"`` (the corpus
    driver needs them across documents).
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
    maybe = _may_repeat(cls, counts, keys, rep_sets, cfg) if cfg.candidates == "lsh" and len(texts) > 1 else counts >= 1
    out: list[tuple[Repeat, ...]] = []
    for d in range(len(texts)):
        p0, p1 = int(doc_offsets[d]), int(doc_offsets[d + 1])
        reps = _doc_repeats(cfg, texts[d], starts[p0:p1], ends[p0:p1], cuts[p0:p1], sets.tokens[p0:p1],
                            cls[p0:p1], rep_sets, keys) if maybe[d] else []
        if any(r.kind == "inside" for r in reps):
            reps = _settle(texts[d], reps, starts[p0:p1].tolist(), cfg)
        out.append(tuple(reps))
    return Analysis(starts, ends, cuts, doc_offsets, sets.tokens, cls, rep_sets, keys, tuple(out))


#: Texts with more paragraphs than this always run the policy (see :func:`_may_repeat`).
_CHECK_MAX = 4096


def _may_repeat(cls: np.ndarray, counts: np.ndarray, keys: np.ndarray | None, sets: ShingleSets, cfg: Config) -> np.ndarray:
    """Which texts can hold a repeat at all: those with a paragraph class seen twice,
    two classes sharing an LSH band key, or a containment anchor (see
    :func:`~dedup.contain.contained_pairs`) held by another class (no candidate
    pair, no match, no policy to run). A false "maybe" only costs the policy;
    there is no false "no"."""
    n = len(counts)
    doc = np.repeat(np.arange(n, dtype=np.int64), counts)
    width = int(cls.max()) + 1 if len(cls) else 1
    dc = distinct(doc * width + cls)  # each text's distinct classes
    n_classes = np.bincount(dc // width, minlength=n)
    maybe = counts > n_classes
    maybe |= counts > _CHECK_MAX  # long texts skip the check: it would cost about what it saves
    if keys is not None and len(dc):
        d, c = dc // width, dc % width
        sel = ~maybe[d]
        d, c = d[sel], c[sel]
        mixed = (keys[c] ^ fmix64(d.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15))[:, None]).ravel()
        order = np.argsort(mixed)
        sk = mixed[order]
        dup = np.flatnonzero(sk[1:] == sk[:-1])
        owner = np.repeat(d, keys.shape[1])[order]
        maybe[owner[dup]] = True
    if len(dc):
        d, c = dc // width, dc % width
        sel = ~maybe[d]
        maybe[_anchor_shared(d[sel], c[sel], sets, cfg)] = True
        maybe[d[_repeats_own(sets.take(c), cfg)]] = True
    return maybe & (counts >= 1)


def _anchor_shared(d: np.ndarray, c: np.ndarray, sets: ShingleSets, cfg: Config) -> np.ndarray:
    """The texts ``d`` (with their distinct classes ``c``) in which a containment
    anchor of one class (its two smallest shingle hashes) is held by another class."""
    sizes = sets.sizes[c]
    u = np.uint64
    post = np.sort((np.repeat(d, sizes).astype(u) << u(32)) | sets.values[ranges(sets.offsets[c], sizes)])
    k = np.minimum(sizes, 2)
    anchor = (np.repeat(d, k).astype(u) << u(32)) | sets.values[ranges(sets.offsets[c], k)]
    held = np.searchsorted(post, anchor, side="right") - np.searchsorted(post, anchor) > 1
    return np.repeat(d, k)[held]


def _doc_repeats(
    cfg: Config,
    text: str,
    starts: np.ndarray,
    ends: np.ndarray,
    cuts: np.ndarray,
    tokens: np.ndarray,
    batch_cls: np.ndarray,
    rep_sets: ShingleSets,
    keys: np.ndarray | None,
) -> list[Repeat]:
    """The policy on one text, given its paragraphs' batch classes."""
    uniq, first, inv = np.unique(batch_cls, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # number the text's classes by first occurrence
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    cls = rank[inv.reshape(-1)]
    members = uniq[order]
    doc_sets = rep_sets.take(members)
    if cfg.candidates == "exact":
        left, right, sim = exact_pairs(doc_sets, cfg.threshold)
    else:
        assert keys is not None
        left, right, sim = similar_pairs(doc_sets, keys[members], cfg.threshold, cfg.bucket_window)
    copy, container, share = contained_pairs(doc_sets, cfg.containment, window=cfg.bucket_window)
    later = copy > container
    matches = _Matches(cls, doc_sets.sizes > 0, left, right, sim, (copy[later], container[later], share[later]))
    sl, el, cl = starts.tolist(), ends.tolist(), cuts.tolist()
    cl_ = cls.tolist()

    def new_fact(i: int, w: int) -> bool:  # (one class: the same tokens, so the same numbers and words)
        if cl_[i] == cl_[w]:
            return False
        copy, original = text[sl[i] : el[i]], text[sl[w] : el[w]]
        return adds_numbers(copy, original) or adds_words(copy, original)

    rem, wit, sims, blocks, kinds = _policy(cls, _word_weight(text, starts, ends, tokens), matches, cfg.min_tokens,
                                            new_fact)
    out = [Repeat(sl[i], cl[i], sl[w], el[w], s, b, i, w, REPEAT_KINDS[k])
           for i, w, s, b, k in zip(rem, wit, sims, blocks, kinds)]
    # inside a paragraph: one that repeats its own shingles, or holds a whole earlier one
    holds = _repeats_own(doc_sets, cfg)
    holds[container[~later]] = True
    may = holds[cls]
    if may.any():
        gone = set(rem)
        witness = np.zeros(len(doc_sets), dtype=bool)
        witness[copy[~later]] = True
        look = np.flatnonzero(may | witness[cls]).tolist()
        wit_ = witness[cls]
        cand = ((i, sl[i], el[i], bool(may[i]), bool(wit_[i])) for i in look if i not in gone)
        nb = max(blocks, default=-1) + 1
        inside = [Repeat(c.start, c.end, c.witness_start, c.witness_end, 1.0, nb + b, c.index, c.witness_index, "inside")
                  if c.start > sl[c.index] or c.end < el[c.index] else  # the whole paragraph: cut with its terminator
                  Repeat(c.start, cl[c.index], c.witness_start, c.witness_end, 1.0, nb + b, c.index, c.witness_index,
                         "contained")
                  for b, c in enumerate(inside_cuts(text, cand, _MIN_RUN_TOKENS))]
        if inside:
            out = sorted(out + inside, key=lambda r: r.start)
    return out


def _word_weight(text: str, starts: np.ndarray, ends: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Tokens counted as words: a letter of a script written without spaces (one
    token each) counts half, as words there are about two letters long, so that
    ``min_tokens`` asks for about as much text in Japanese as in Indonesian."""
    if text.isascii() or not len(starts):
        return tokens
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    ns = np.zeros(len(cp) + 1, dtype=np.int64)
    np.cumsum(char_classes()[cp] == NOSPACE, out=ns[1:])
    return tokens - (ns[ends] - ns[starts]) // 2


#: Tokens a run of sentences needs to be cut inside a paragraph.
_MIN_RUN_TOKENS = 12


def _repeats_own(sets: ShingleSets, cfg: Config) -> np.ndarray:
    """Which rows repeat enough of their own shingles to hold a run of
    ``_MIN_RUN_TOKENS`` tokens twice."""
    return np.maximum(sets.tokens - cfg.shingle_size + 1, 0) - sets.sizes >= _MIN_RUN_TOKENS - cfg.shingle_size + 1


#: Collapses of a collapse at most (each one cuts more text, so there are few).
_MAX_PASSES = 8


def _settle(text: str, reps: list[Repeat], para_starts: list[int], cfg: Config) -> list[Repeat]:
    """``reps`` with what collapsing the collapsed text again would cut too, until
    nothing more is cut (a cut inside a paragraph can leave a copy behind)."""
    for _ in range(_MAX_PASSES):
        more = analyze([cut_repeats(text, reps)], cfg).repeats[0]
        if not more:
            break
        reps = merge_later_cuts(reps, more, para_starts, max(r.block for r in reps) + 1)
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


def cut_repeats(text: str, repeats: Sequence[Repeat]) -> str:
    """``text`` without the spans of ``repeats`` (sorted, disjoint)."""
    parts, pos = [], 0
    for r in repeats:
        parts.append(text[pos : r.start])
        pos = r.end
    parts.append(text[pos:])
    return "".join(parts)


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

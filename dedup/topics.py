"""Paragraphs that recur because their stories are about one topic, not because a site put them there.

An outlet re-uses a paragraph (a verdict quote, a wedding's background) in each follow-up on
one event; that paragraph reaches ``boilerplate_min`` stories like a footer does, but its
stories share much more of their vocabulary than stories of the corpus in general share:
the same names, places and terms. A footer's stories are about anything.

So, for a paragraph cluster that recurs in enough stories, :func:`topical_clusters` compares
the words of those stories (each story's earliest document holding the paragraph, the first
:data:`TOPIC_STORIES` of them; of each, the kept paragraphs that do not recur that often
themselves) pair by pair, and calls the cluster *topical* when the median Jaccard of their word
sets is at least :data:`TOPIC_LIFT` times the median over :data:`BASE_STORIES` stories spread
over the whole corpus (the baseline, at least :data:`BASE_FLOOR`). Words in half or more of the
baseline's stories (a language's function words) do not count. A topical cluster is content,
not boilerplate. Words are the tokens of :func:`dedup.text.tokenize` (case and width folded;
one letter each in scripts without spaces).

The decision reads a bounded number of documents (at most ``TOPIC_STORIES`` per candidate
cluster, and ``BASE_STORIES``), whatever the corpus's size, and depends on the clusters,
stories and texts only, never on where or in what pieces the work ran.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import combinations

import numpy as np

from .text import tokenize

__all__ = ["TOPIC_STORIES", "BASE_STORIES", "TOPIC_LIFT", "COMMON_SHARE", "BASE_FLOOR", "topic_docs", "topical_clusters", "words_of"]

#: Stories of a candidate cluster whose words are compared (its first ones).
TOPIC_STORIES = 16
#: Stories spread over the corpus whose words make the baseline.
BASE_STORIES = 64
#: How many times the corpus's median a cluster's stories must share of their words.
#: Measured on the shared crawl (benchmarks/bench_crawl.py): the stories of a footer, marker,
#: sign-off or byline share 1.0-2.6 times the baseline, those of "next page" lines up to 3.7;
#: follow-ups on one event that re-use a paragraph 4.1-12.
TOPIC_LIFT = 4.0
#: Words in at least this share of the baseline's stories (a language's function words) do not count.
COMMON_SHARE = 0.5
#: The least baseline the lift multiplies (a corpus of unrelated vocabularies has a baseline
#: near 0, where any lift is noise).
BASE_FLOOR = 0.02

def topic_docs(candidate: np.ndarray, cluster: np.ndarray, story: np.ndarray, doc: np.ndarray
               ) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """The documents :func:`topical_clusters` reads: per candidate cluster (``candidate``: which
    paragraphs are candidates; ``cluster``, ``story`` and ``doc`` per paragraph), the earliest
    document of each of its first :data:`TOPIC_STORIES` stories; and the baseline documents
    (the earliest of :data:`BASE_STORIES` stories spread evenly over all of them)."""
    rows = np.flatnonzero(candidate)
    per: dict[int, np.ndarray] = {}
    if len(rows):
        # per (cluster, story): the earliest document; then per cluster the first stories
        key = np.lexsort((doc[rows], story[rows], cluster[rows]))
        r = rows[key]
        c, s = cluster[r], story[r]
        first = np.r_[True, (c[1:] != c[:-1]) | (s[1:] != s[:-1])]
        r, c = r[first], c[first]
        order = np.lexsort((doc[r], c))
        r, c = r[order], c[order]
        bounds = np.flatnonzero(np.r_[True, c[1:] != c[:-1], True])
        for a, b in zip(bounds[:-1], bounds[1:]):
            per[int(c[a])] = doc[r[a : min(b, a + TOPIC_STORIES)]]
    stories = np.unique(story)
    if len(stories) > BASE_STORIES:
        stories = stories[np.linspace(0, len(stories) - 1, BASE_STORIES).round().astype(np.int64)]
    return per, stories


def topical_clusters(per: dict[int, np.ndarray], base: np.ndarray, words: Callable[[int], frozenset[str]]
                     ) -> set[int]:
    """The candidate clusters of ``per`` (cluster -> its documents, from :func:`topic_docs`)
    whose documents share at least :data:`TOPIC_LIFT` times the word Jaccard of the
    ``base`` documents (median over pairs; at least :data:`BASE_FLOOR`), words common in
    the baseline left out; ``words(d)``: the words of document ``d``.

    >>> w = {0: frozenset("ab"), 1: frozenset("ab"), 2: frozenset("cd"), 3: frozenset("ef")}
    >>> sorted(topical_clusters({7: np.array([0, 1]), 9: np.array([2, 3])}, np.array([0, 2, 3]), w.get))
    [7]
    """
    if not per:
        return set()
    base_sets = [words(int(d)) for d in base]
    df = Counter(w for s in base_sets for w in s)
    common = frozenset(w for w, k in df.items() if COMMON_SHARE * len(base_sets) <= k)

    def of(ds: np.ndarray) -> list[frozenset[str]]:
        return [words(int(d)) - common for d in ds]

    need = TOPIC_LIFT * max(BASE_FLOOR, _median_jaccard(of(base)))
    return {c for c, ds in per.items() if len(ds) >= 2 and _median_jaccard(of(ds)) >= need}


def words_of(text: str, spans: Sequence[tuple[int, int]]) -> frozenset[str]:
    """The words (tokens of :func:`~dedup.text.tokenize`) of the ``spans`` of ``text``."""
    return frozenset(w for a, b in spans for w in tokenize(text[a:b]))


def _median_jaccard(sets: list[frozenset[str]]) -> float:
    sims = [len(a & b) / len(a | b) if a or b else 0.0 for a, b in combinations(sets, 2)]
    return statistics.median(sims) if sims else 0.0

"""Bit-identity with datasketch, golden values, and the CSR kernel against plain Python."""

import json
import random

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from hypothesis import given
from hypothesis import strategies as st

import dedup
from dedup.minhash import EMPTY, permutations, signatures_of_sets
from dedup.shingle import shingle_sets, token_hash

from .conftest import shared_file


def reference(p, num_perm=128, seed=1, k=3):
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=dedup.shingle_hash, scheme="affine32")
    m.update_batch(dedup.shingles(p, dedup.Config(shingle_size=k)))
    return m.hashvalues


def random_paragraphs(n, seed=0):
    r = random.Random(seed)
    alphabet = "abcdeé ßİıﬁ,.“”—\u00a0\u200b東京タワー한국어สวัสดี0123456789\t*"
    out = []
    for _ in range(n):
        kind = r.random()
        if kind < 0.1:
            out.append("")
        elif kind < 0.2:
            out.append(r.choice(["***", "Ya.", "a b", " — ", "ADVERTISEMENT"]))
        else:
            out.append("".join(r.choice(alphabet) for _ in range(r.randint(1, 200))))
    return out


EDGE = [
    "",
    " ",
    "\t\u3000",
    "***",
    "Ya.",
    "one two",
    "东京是日本的首都",
    "สวัสดีครับ",
    "\ud800 lone surrogate \udfff",
    "nul\x00inside text here",
    "x" * 100_000,
    " ".join(f"w{i % 997}" for i in range(10_000)),  # 10k tokens
    "Straße STRASSE strasse",
]


@pytest.mark.parametrize("num_perm, seed, k", [(128, 1, 3), (64, 7, 2), (256, 42, 5), (16, 0, 1)])
def test_bit_identical_to_datasketch_random_and_edge(num_perm, seed, k):
    paras = random_paragraphs(300, seed) + EDGE
    cfg = dedup.Config(num_perm=num_perm, seed=seed, shingle_size=k)
    sig = dedup.signatures(paras, cfg)
    assert sig.shape == (len(paras), num_perm) and sig.dtype == np.uint32
    for p, row in zip(paras, sig):
        assert np.array_equal(row, reference(p, num_perm, seed, k)), repr(p[:60])


def test_bit_identical_to_datasketch_on_real_news():
    path = shared_file("eval/within.jsonl")
    paras = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 6 == 0:
                paras += [l for l in json.loads(line)["text"].splitlines() if l.strip()]
            if len(paras) > 1500:
                break
    sig = dedup.signatures(paras)
    for p, row in zip(paras, sig):
        assert np.array_equal(row, reference(p)), p[:60]


def test_empty_paragraph_gets_datasketch_empty_value():
    sig = dedup.signatures(["", "   ", "\u200b"])
    assert (sig == EMPTY).all()
    assert np.array_equal(sig[0], MinHash(num_perm=128, seed=1, scheme="affine32").hashvalues)


def test_golden_values():
    """Pinned: a change here changes every stored signature and index."""
    assert token_hash("berita") == 8962819243792916230
    assert dedup.shingle_hash(("baca", "juga", "pilkada")) == 3720830353
    sig = dedup.signatures(["Baca juga: Pilkada 2024 berjalan damai di Balikpapan"])
    assert sig[0, :4].tolist() == [44305580, 631781251, 208599719, 939621]
    a, b = permutations(128, 1)
    assert (a & 1).all()


@pytest.mark.parametrize("seed", [0, 1, 2, 7, 42, 12345, 2**31 - 1])
@pytest.mark.parametrize("num_perm", [1, 16, 128, 256])
def test_permutations_are_datasketchs_own(seed, num_perm):
    """dedup draws the affine32 parameters itself (importing datasketch costs a worker
    most of its start); they must stay exactly datasketch's."""
    from datasketch import MinHash

    want = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    got = permutations(num_perm, seed)
    assert [x.tolist() for x in got] == [np.asarray(w, dtype=np.uint32).tolist() for w in want]


def test_lean_minhash_in_datasketch_lsh():
    texts = [
        "The council voted on Tuesday to open a weekly night market along the river quay.",
        "The council voted on Tuesday to open a weekly night market along the old river quay.",
        "Fishermen will sell the morning catch at reduced prices after dark.",
    ]
    sig = dedup.signatures(texts)
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, row in enumerate(sig):
        lm = dedup.to_lean_minhash(row)
        assert isinstance(lm, LeanMinHash) and lm.scheme == "affine32"
        lsh.insert(f"p{i}", lm)
    assert set(lsh.query(dedup.to_lean_minhash(sig[0]))) == {"p0", "p1"}
    # and it compares with a MinHash made by datasketch itself
    m = MinHash(num_perm=128, seed=1, hashfunc=dedup.shingle_hash, scheme="affine32")
    m.update_batch(dedup.shingles(texts[1]))
    assert dedup.to_lean_minhash(sig[1]) == LeanMinHash(m)


def test_to_lean_minhash_rejects_wrong_shape():
    with pytest.raises(ValueError, match="num_perm"):
        dedup.to_lean_minhash(dedup.signatures(["a b c"], dedup.Config(num_perm=64))[0])


def test_signatures_bad_input():
    with pytest.raises(TypeError, match="single str"):
        dedup.signatures("one paragraph")
    with pytest.raises(TypeError, match=r"paragraphs\[1\]"):
        dedup.signatures(["ok", 3])
    with pytest.raises(TypeError, match="decode"):
        dedup.signatures(["ok", b"bytes"])
    assert dedup.signatures([]).shape == (0, 128)
    ps = dedup.split_paragraphs("a b c\nd e f")
    assert np.array_equal(dedup.signatures(ps), dedup.signatures(["a b c", "d e f"]))


def test_shingle_hash_rejects_a_plain_string():
    with pytest.raises(TypeError, match="tuple of tokens"):
        dedup.shingle_hash("a b c")


@given(st.lists(st.text(max_size=40), max_size=12), st.integers(1, 4))
def test_csr_equals_python_sets(texts, k):
    cfg = dedup.Config(shingle_size=k)
    sets = shingle_sets(texts, cfg)
    for i, t in enumerate(texts):
        want = sorted({dedup.shingle_hash(s) for s in dedup.shingles(t, cfg)})
        assert sets.row(i).tolist() == want
        assert sets.tokens[i] == len(dedup.tokenize(t))


def test_large_paragraph_is_chunked():
    p = " ".join(f"tok{i}" for i in range(300_000))
    sig = dedup.signatures([p, "tok1 tok2 tok3"])
    assert np.array_equal(sig[0], reference(p))


def test_the_first_columns_of_signatures_alone_are_those_of_the_full_signatures() -> None:
    sets = shingle_sets([f"w{i} w{i + 1} w{i * 7} and a few more words here {i % 5}" for i in range(300)] + [""])
    full = signatures_of_sets(sets, 128, 7)
    assert np.array_equal(signatures_of_sets(sets, 128, 7, 53 * 2), full[:, :106])
    with pytest.raises(ValueError, match="columns"):
        signatures_of_sets(sets, 128, 7, 129)

import dataclasses

import numpy as np
import pytest
from datasketch import MinHashLSH

import dedup
from dedup.config import candidate_probability, lsh_params


def test_defaults():
    c = dedup.Config()
    assert (c.num_perm, c.seed, c.shingle_size, c.threshold, c.mode, c.min_tokens) == (128, 1, 3, 0.75, "line", 8)
    b, r = c.lsh
    assert b * r <= c.num_perm
    assert c.miss_probability() <= c.max_miss


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        dedup.Config().threshold = 0.5  # type: ignore[misc]


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"threshold": 0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": "0.7"}, "threshold"),
        ({"num_perm": 0}, "num_perm"),
        ({"num_perm": 12.0}, "num_perm"),
        ({"num_perm": True}, "num_perm"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**32}, "seed"),
        ({"shingle_size": 0}, "shingle_size"),
        ({"mode": "lines"}, "mode"),
        ({"min_tokens": 0}, "min_tokens"),
        ({"bands": 4}, "bands"),
        ({"bands": 64, "rows": 4}, "bands"),
        ({"max_miss": 1.0}, "max_miss"),
    ],
)
def test_invalid_values_name_the_field(kw, field):
    with pytest.raises(ValueError, match=f"Config.{field}"):
        dedup.Config(**kw)


def test_numpy_scalars_are_accepted_and_normalised():
    c = dedup.Config(num_perm=np.int64(64), threshold=np.float32(0.5))
    assert type(c.num_perm) is int and type(c.threshold) is float
    assert dedup.Config(threshold=1).threshold == 1.0


def test_explicit_bands():
    assert dedup.Config(bands=16, rows=8).lsh == (16, 8)


@pytest.mark.parametrize("t", [0.5, 0.6, 0.75, 0.8, 0.9])
def test_lsh_params_meet_the_miss_bound_and_beat_datasketch_at_the_threshold(t):
    b, r = lsh_params(t, 128, 1e-4)
    assert b * r <= 128
    assert 1 - candidate_probability(t, b, r) <= 1e-4
    # datasketch's balanced weights trade misses at the threshold for fewer candidates;
    # with exact verification we find more of the pairs that matter
    lsh = MinHashLSH(threshold=t, num_perm=128, weights=(0.5, 0.5))  # (the bands datasketch picks)
    db, dr = lsh.b, lsh.r
    assert candidate_probability(t, b, r) > candidate_probability(t, db, dr)


def test_config_type_error():
    with pytest.raises(TypeError, match="dedup.Config"):
        dedup.collapse("a", config={"threshold": 0.5})  # type: ignore[arg-type]

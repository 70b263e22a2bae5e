"""datasketch's MinHashLSH Redis storage fed dedup signatures, against a real redis-server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

import dedup
from dedup.lsh import to_datasketch_lsh

TEXTS = [
    "The council voted on Tuesday to open a weekly night market along the river quay.",
    "The council voted on Tuesday to open a weekly night market along the old river quay.",
    "Fishermen will sell the morning catch at reduced prices after dark on Fridays.",
]


@pytest.fixture
def redis_port(tmp_path):
    pytest.importorskip("redis", reason="the redis client is not installed (pip install '.[redis]')")
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def test_redis_storage_matches_memory(redis_port):
    sig = dedup.signatures(TEXTS)
    mem = to_datasketch_lsh(sig, ["a", "b", "c"])
    red = to_datasketch_lsh(
        sig, ["a", "b", "c"], storage_config={"type": "redis", "redis": {"host": "127.0.0.1", "port": redis_port}},
        basename=b"dedup_test",
    )
    for row in sig:
        q = dedup.to_lean_minhash(row)
        assert sorted(red.query(q)) == sorted(mem.query(q))
    assert sorted(red.query(dedup.to_lean_minhash(sig[0]))) == ["a", "b"]


def test_to_datasketch_lsh_validates():
    sig = dedup.signatures(TEXTS)
    with pytest.raises(ValueError, match="one key per row"):
        to_datasketch_lsh(sig, ["a"])
    with pytest.raises(ValueError, match="shape"):
        to_datasketch_lsh(sig[:, :64], ["a", "b", "c"])

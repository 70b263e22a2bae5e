"""Temporary output files: named by the process writing them, so a re-run can
remove those a killed writer left behind."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

__all__ = ["current_umask", "make_temporary", "is_stale_temporary", "sweep_temporary"]


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: ``.<name>.<pid>.<random>.tmp``: a temporary output file, named by the process writing it.
_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]{8}\.tmp")


def make_temporary(target: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (EPERM: another user's process)
        return True
    return True


def is_stale_temporary(name: str, alive: dict[int, bool]) -> bool:
    """Whether ``name`` is a temporary output file whose writer is gone."""
    t = _TEMP.fullmatch(name)
    if t is None:
        return False
    pid = int(t.group("pid"))
    if pid not in alive:
        alive[pid] = pid == os.getpid() or _alive(pid)
    return not alive[pid]


def sweep_temporary(directory: str | os.PathLike[str], name: str | None = None) -> int:
    """Remove the temporary files that writers killed before their rename left in
    ``directory`` (``.<name>.<pid>.<random>.tmp`` whose process is gone; a live
    writer's are kept), only those of output ``name`` if given. Returns how many
    were removed."""
    alive: dict[int, bool] = {}
    n = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for e in entries:
        if name is not None and not e.name.startswith(f".{name}."):
            continue
        try:
            if is_stale_temporary(e.name, alive) and e.is_file(follow_symlinks=False):
                os.unlink(e.path)
                n += 1
        except OSError:
            pass
    return n


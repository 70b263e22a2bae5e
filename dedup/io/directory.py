"""A directory of ``.txt`` outputs that writes only its own files, recorded in a
manifest, and renames them into place only once every one is written."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .atomic import write_atomic
from .errors import DataError, UsageError
from .paths import descriptor_path, output_target
from .temporary import current_umask, is_stale_temporary, make_temporary

__all__ = ["MANIFEST", "check_output_dir", "write_txt_dir"]

#: The file a directory output records its own files in (name -> SHA-256 of the bytes written).
MANIFEST = ".dedup-output.json"


def check_output_dir(out: str | os.PathLike[str], overwrite: bool = False) -> None:
    """Raise now what writing the directory output ``out`` later would: a file
    there (:class:`UsageError`), a non-empty directory without dedup's
    :data:`MANIFEST` unless ``overwrite`` (:class:`UsageError`), a missing parent
    directory or an unwritable one (:class:`DataError`)."""
    if str(out) == "-" or descriptor_path(out)[0]:
        raise UsageError(f"a .txt corpus is written as a directory of .txt files, not to {out}; give a directory path")
    real = Path(os.path.realpath(out))
    if real.exists():
        mode = os.stat(real).st_mode
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
            raise UsageError(f"{out} is a device or pipe; a .txt corpus is written as a directory: give a directory path")
        if not real.is_dir():
            raise UsageError(
                f"{out} is a file, not a directory; a .txt corpus is written as a directory of .txt files: "
                f"give a directory path"
            )
        if not overwrite and not (real / MANIFEST).is_file() and any(real.iterdir()):
            raise UsageError(
                f"{out} is a non-empty directory that dedup did not write (it has no {MANIFEST}); give a new or "
                f"empty directory, or pass --overwrite to write there anyway (files of the names dedup writes "
                f"are replaced, no other file is touched)"
            )
        if not os.access(real, os.W_OK | os.X_OK):
            raise DataError(f"{out}: cannot write: the directory is not writable; choose another path")
    elif not real.parent.is_dir():
        given = Path(out).parent
        raise DataError(
            f"{out}: cannot write: the directory {given} does not exist; create it (mkdir -p {given}) "
            f"or choose another path"
        )


def _manifest(root: Path) -> dict[str, str]:
    try:
        files = json.loads((root / MANIFEST).read_text(encoding="utf-8"))["files"]
        return {str(k): str(v) for k, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write_manifest(root: Path, files: dict[str, str]) -> None:
    from .. import __version__

    body = {"written_by": f"dedup {__version__}", "files": dict(sorted(files.items()))}
    write_atomic(root / MANIFEST, json.dumps(body, ensure_ascii=True, indent=0) + "\n")


def _relative(name: str, out: str | os.PathLike[str]) -> str:
    parts = name.split("/")
    if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\0" in name or name == MANIFEST:
        raise DataError(
            f"document id {name!r} cannot name a file inside {out}: ids of a .txt corpus are relative paths "
            f"without '..'; rename the input file"
        )
    return "/".join(parts)


def write_txt_dir(
    out: str | os.PathLike[str], items: Iterable[tuple[str, str]], *, overwrite: bool = False, encoding: str = "utf-8"
) -> int:
    """Write ``(relative name, text)`` files into directory ``out``; returns how many.

    Only the named files are written, each through a temporary file in its own
    directory, all renamed into place once every one is written: a failure
    before that leaves the directory as it was. The names go to
    :data:`MANIFEST`; files that an earlier run listed there, that this run does
    not write and that are unchanged since, are removed; no other file is
    touched. ``out`` must be new, empty, or written by dedup before, unless
    ``overwrite`` (see :func:`check_output_dir`); its parent must exist.
    """
    check_output_dir(out, overwrite)
    root = Path(os.path.realpath(out))
    made: list[Path] = []  # directories this call created, removed again on failure
    staged: list[tuple[str, Path]] = []
    written: dict[str, str] = {}
    mode = 0o666 & ~current_umask()
    ours = (root / MANIFEST).is_file()
    try:
        if not root.exists():
            root.mkdir()
            made.append(root)
            _write_manifest(root, {})  # the directory is dedup's from its first moment (a re-run may reuse it)
        old = _manifest(root)
        if ours:  # what a killed run left in its own directory goes
            _remove_stale(root)
        for name, text in items:
            rel = _relative(name, out)
            if rel in written:
                raise DataError(f"two documents would both be written to {Path(out) / rel}; make the ids unique")
            written[rel] = _stage(root, Path(out) / rel, rel, text.encode(encoding, "surrogateescape"), mode, made, staged)
        _write_manifest(root, {**old, **written})  # every file about to be there is listed before one is renamed
        for tmp, target in staged:
            os.replace(tmp, target)
        staged.clear()
        _remove_unwritten(root, old, written)
        _write_manifest(root, written)
    except BaseException:
        _undo(root, made, staged)
        raise
    return len(written)


def _remove_stale(root: Path) -> None:
    """Remove the temporary files of killed writers anywhere under ``root``."""
    alive: dict[int, bool] = {}
    for d, _, names in os.walk(root):
        for n in names:
            if is_stale_temporary(n, alive):
                try:
                    os.unlink(os.path.join(d, n))
                except OSError:
                    pass


def _stage(
    root: Path, shown: Path, rel: str, data: bytes, mode: int, made: list[Path], staged: list[tuple[str, Path]]
) -> str:
    """Write ``data`` to a temporary file beside ``root / rel`` (its directories made
    and recorded in ``made``, the file in ``staged``); returns its SHA-256."""
    dest = root / rel
    try:
        for d in reversed(dest.parents):
            if d == root or root not in d.parents:
                continue
            if not d.exists():
                d.mkdir()
                made.append(d)
        kind, target = output_target(dest)
        if kind != "file" or target is None:
            raise DataError(f"{shown} exists and is not a regular file; move it away")
        fd, tmp = make_temporary(target)
        staged.append((tmp, target))
        with open(fd, "wb") as f:
            f.write(data)
        try:
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)  # a replaced file keeps its permissions
        except FileNotFoundError:
            os.chmod(tmp, mode)
    except OSError as e:
        raise OSError(e.errno, e.strerror or str(e), str(shown)) from None
    return hashlib.sha256(data).hexdigest()


def _remove_unwritten(root: Path, old: dict[str, str], written: dict[str, str]) -> None:
    """Remove the files an earlier run listed that this run did not write, if unchanged since."""
    for rel, digest in old.items():
        f = root / rel
        if rel not in written and f.is_file() and not f.is_symlink():
            if hashlib.sha256(f.read_bytes()).hexdigest() == digest:  # ours and unchanged: a stale output
                f.unlink()


def _undo(root: Path, made: list[Path], staged: list[tuple[str, Path]]) -> None:
    """Remove the staged temporary files and the directories (and manifest) this call made."""
    for tmp, _ in staged:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    if made and made[0] == root:
        try:
            (root / MANIFEST).unlink()
        except OSError:
            pass
    for d in reversed(made):
        try:
            d.rmdir()  # (only if empty)
        except OSError:
            pass

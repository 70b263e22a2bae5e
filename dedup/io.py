"""Reading and writing documents safely: strict decoding, clear data errors, and
outputs that never destroy what the run did not write.

An output path is written by what sits there (symlinks followed to their target):

* a regular file, or a new path: a temporary file in the same directory renamed
  into place (:class:`AtomicFile`), so a failure leaves the old file or none;
* a character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe), or
  ``-`` (standard output): written directly, streamed, never renamed over;
* anything else (a directory, a socket, a block device): refused.

A directory output (:func:`write_txt_dir`) writes only its own files, each
through a temporary file renamed into place once every file is written, and
records them in a manifest (:data:`MANIFEST`); a non-empty directory without
one is refused unless ``overwrite``, and even then only its own names are
replaced. :func:`check_paths` refuses outputs that are an input, another
output or the index.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = [
    "DataError",
    "UsageError",
    "MANIFEST",
    "read_text",
    "write_atomic",
    "AtomicFile",
    "output_target",
    "check_output_file",
    "check_output_dir",
    "check_paths",
    "describe_os_error",
    "sweep_temporary",
    "dumps_json",
    "has_surrogate",
    "iter_jsonl",
    "iter_txt",
    "iter_parquet",
    "parquet_schema",
    "txt_files",
    "write_txt_dir",
    "write_parquet",
    "FORMATS",
    "COMPRESSIONS",
    "name_format",
    "is_stream",
    "input_format",
    "output_format",
    "open_input",
    "open_output",
]

#: The file a directory output records its own files in (name -> SHA-256 of the bytes written).
MANIFEST = ".dedup-output.json"

_SURROGATE = re.compile("[\ud800-\udfff]")
_FD_PATH = re.compile(r"/(dev/(stdout|stderr|fd/\d+)|proc/(self|\d+)/fd/\d+)")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class DataError(ValueError):
    """Input that cannot be read as documents, or an output that cannot be
    written (the message names the place and the fix)."""


class UsageError(ValueError):
    """Arguments that cannot work together, found before anything is read:
    an output that is an input, another output or the index; a file where a
    directory is needed or the reverse; a directory dedup did not write."""


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (``"\\ud800"``: valid JSON, not encodable as UTF-8).

    Examples:
        >>> has_surrogate("caf\\u00e9"), has_surrogate("a\\ud800")
        (False, True)
    """
    return _SURROGATE.search(text) is not None


def dumps_json(obj: Any, **kwargs: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False)`` with lone surrogates written as
    ``\\uXXXX`` escapes: the result always encodes as UTF-8 and reads back equal.

    Examples:
        >>> dumps_json({"text": "caf\\u00e9 \\ud800"})
        '{"text": "café \\\\ud800"}'
        >>> json.loads(dumps_json(["\\ud800"])) == ["\\ud800"]
        True
    """
    s = json.dumps(obj, ensure_ascii=False, **kwargs)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", s) if _SURROGATE.search(s) else s


def describe_os_error(e: OSError) -> str:
    """``<file>: <what happened>; <the fix>`` for an error of the operating system.

    Examples:
        >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device", "out.jsonl"))
        'out.jsonl: No space left on device; free space on that disk or write elsewhere'
    """
    fixes = {
        errno.ENOSPC: "free space on that disk or write elsewhere",
        errno.EDQUOT: "free space within your quota or write elsewhere",
        errno.EACCES: "check its permissions (and its directory's) or choose another path",
        errno.EPERM: "check its permissions (and its directory's) or choose another path",
        errno.EROFS: "that filesystem is read-only: write elsewhere",
        errno.ENOENT: "check the path",
        errno.ENOTDIR: "a part of the path is a file, not a directory: check the path",
        errno.EISDIR: "it is a directory: give a file path",
        errno.EIO: "the disk reported an input/output error: check it, or write elsewhere",
    }
    what = e.strerror or str(e)
    fix = fixes.get(e.errno) if e.errno is not None else None
    msg = f"{e.filename}: {what}" if e.filename is not None else what
    return f"{msg}; {fix}" if fix else msg


def read_text(path: str | os.PathLike[str], encoding: str = "utf-8", errors: str = "strict") -> str:
    """Read a text file without newline translation (``\\r\\n`` stays ``\\r\\n``).

    Invalid input raises :class:`DataError` naming the file and the byte offset,
    unless ``errors`` is ``"replace"`` (or another codec error handler).
    """
    data = Path(path).read_bytes()
    try:
        return data.decode(encoding, errors)
    except UnicodeDecodeError as e:
        raise DataError(
            f"{path}: not valid {encoding} at byte {e.start} ({data[e.start:e.start + 4]!r}); "
            f"fix the file or use --errors replace"
        ) from None
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r}; pass a codec name such as utf-8 or latin-1") from None


def output_target(path: str | os.PathLike[str]) -> tuple[str, Path | None]:
    """How an output ``path`` is written: ``("stdout", None)`` for ``-``;
    ``("stream", path)`` for a character device, a FIFO or an open descriptor
    (``/dev/stdout``, ``/dev/fd/N``); ``("file", target)`` for a regular file or a
    new path in an existing directory, ``target`` being the path with symlinks
    resolved (a symlink is written through, its target replaced). Anything else
    raises :class:`DataError` (or :class:`UsageError` for a directory) naming
    ``path`` as given.

    Examples:
        >>> output_target("-")
        ('stdout', None)
        >>> output_target("/dev/stdout")
        ('stream', PosixPath('/dev/stdout'))
    """
    if str(path) == "-":
        return "stdout", None
    if _descriptor_path(path)[0]:  # an open descriptor (the caller's `> file`): never replaced, whatever it is
        return "stream", Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        target = Path(os.path.realpath(path))  # a new path, or a dangling symlink's target
        given = Path(path).parent
        if not target.parent.exists():
            raise DataError(
                f"{path}: cannot write: the directory {given} does not exist; create it (mkdir -p {given}) "
                f"or choose another path"
            ) from None
        if not target.parent.is_dir():
            raise DataError(f"{path}: cannot write: {given} is not a directory; choose another path") from None
        return "file", target
    except NotADirectoryError:
        raise DataError(f"{path}: cannot write: a part of the path is a file, not a directory; check the path") from None
    if stat.S_ISREG(st.st_mode):
        return "file", Path(os.path.realpath(path))
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return "stream", Path(path)
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{path} is a directory; give a file path")
    raise DataError(f"{path} is not a regular file, character device or FIFO; choose another path")


def check_output_file(path: str | os.PathLike[str]) -> None:
    """Raise now what writing ``path`` later would (see :func:`output_target`),
    plus a read-only existing file or an unwritable directory."""
    kind, target = output_target(path)
    if kind != "file" or target is None:
        return
    if target.exists() and not os.access(target, os.W_OK):
        raise DataError(f"{path}: cannot write: the file is read-only; make it writable (chmod u+w) or choose another path")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise DataError(
            f"{path}: cannot write: its directory {target.parent} is not writable; choose another path"
        )


#: ``.<name>.<pid>.<random>.tmp``: a temporary output file, named by the process writing it.
_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]{8}\.tmp")


def _mkstemp(target: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (EPERM: another user's process)
        return True
    return True


def _stale(name: str, alive: dict[int, bool]) -> bool:
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
            if _stale(e.name, alive) and e.is_file(follow_symlinks=False):
                os.unlink(e.path)
                n += 1
        except OSError:
            pass
    return n


def _descriptor_path(path: str | os.PathLike[str]) -> tuple[bool, int | None]:
    """Whether ``path`` (or a symlink it leads through) names an open descriptor
    (``/dev/stdout``, ``/dev/fd/N``, ``/proc/self/fd/N``), and the number of this
    process's descriptor it is, if it is one of ours."""
    p = os.path.abspath(path)
    for _ in range(40):  # (the kernel's limit on symlinks followed)
        m = _FD_PATH.fullmatch(p)
        if m is not None:
            if p in ("/dev/stdout", "/dev/stderr"):
                return True, 1 if p == "/dev/stdout" else 2
            if p.startswith("/proc/") and p.split("/")[2] not in ("self", str(os.getpid())):
                return True, None
            return True, int(p.rsplit("/", 1)[1])
        try:
            link = os.readlink(p)
        except OSError:
            return False, None
        p = os.path.normpath(os.path.join(os.path.dirname(p), link))
    return False, None


class AtomicFile:
    """``with AtomicFile(path) as f: f.write(...)``: a regular file (or a new path)
    appears complete at ``path`` when the block ends without error, and not at all
    otherwise (the old file stays). A symlink is written through: its target is
    replaced the same way. A character device or FIFO is written directly, and
    ``-`` is standard output (see :func:`output_target`). Errors name ``path``,
    never the temporary file."""

    def __init__(
        self, path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8", errors: str | None = None
    ):
        if mode not in ("w", "wb"):
            raise ValueError(f"AtomicFile mode must be 'w' or 'wb', got {mode!r}")
        self.path = path
        self.mode, self.encoding, self.errors = mode, encoding, errors
        self.kind = ""
        self.target: Path | None = None
        self.tmp: str | None = None
        self.f: IO[Any] | None = None

    def _wrap(self, raw: IO[bytes]) -> IO[Any]:
        if "b" in self.mode:
            return raw
        return io.TextIOWrapper(raw, encoding=self.encoding, errors=self.errors, newline="")  # type: ignore[arg-type]

    def _named(self, e: OSError) -> OSError:
        return OSError(e.errno, e.strerror or str(e), str(self.path))

    def __enter__(self) -> IO[Any]:
        self.kind, self.target = output_target(self.path)
        try:
            if self.kind == "stdout":
                sys.stdout.flush()
                buf = getattr(sys.stdout, "buffer", None)
                if buf is None:  # a text stream standing in for stdout (a test's capture)
                    if "b" in self.mode:
                        raise DataError(f"{self.path}: standard output takes text here; give a file path")
                    self.f = sys.stdout
                else:
                    self.f = buf if "b" in self.mode else self._wrap(buf)
            elif self.kind == "stream":
                fd = _descriptor_path(str(self.target))[1]
                if fd is not None:  # /dev/stdout etc.: this process's descriptor itself (its offset, its append mode)
                    sys.stdout.flush()
                    sys.stderr.flush()
                    fd = os.dup(fd)
                else:
                    fd = os.open(str(self.target), os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
                self.f = self._wrap(open(fd, "wb"))
            else:
                target = self.target
                if target is None:  # (output_target gives one for a file)
                    raise DataError(f"{self.path}: no file to write")
                sweep_temporary(target.parent, target.name)
                fd, self.tmp = _mkstemp(target)
                try:
                    old = os.stat(target).st_mode & 0o7777  # replacing a file keeps its permissions
                except OSError:
                    old = 0o666 & ~_umask()  # mkstemp makes 0600; a new output file follows the umask
                os.chmod(self.tmp, old)
                self.f = self._wrap(open(fd, "wb"))
        except OSError as e:
            self._discard()
            raise self._named(e) from None
        return self.f

    def _discard(self) -> None:
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None

    def _close(self, f: IO[Any], quiet: bool = False) -> None:
        """Close ``f``; standard output is only flushed (and its wrapper detached)."""
        try:
            if self.kind != "stdout":
                f.close()
            elif f is not sys.stdout and isinstance(f, io.TextIOWrapper):
                f.flush()
                f.detach()
            else:
                f.flush()
        except (OSError, ValueError):
            if not quiet:
                raise

    def __exit__(self, et: object, ev: object, tb: object) -> None:
        f, self.f = self.f, None
        if f is None:
            return
        try:
            if et is None:
                f.flush()
                if self.kind == "file":
                    os.fsync(f.fileno())
                self._close(f)
                if self.kind == "file" and self.tmp is not None and self.target is not None:
                    os.replace(self.tmp, self.target)
                    self.tmp = None
            else:
                self._close(f, quiet=True)
        except OSError as e:
            self._close(f, quiet=True)
            raise self._named(e) from None
        finally:
            self._discard()
        if isinstance(ev, OSError) and ev.filename is None:  # (a write in the block failed: name the output)
            raise self._named(ev) from None


def write_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8", errors: str | None = None) -> None:
    """Write ``text`` to ``path`` as :class:`AtomicFile` does: a regular file through
    a temporary file and an atomic rename (a crash leaves the old file or none,
    never half of one), a device or FIFO directly."""
    with AtomicFile(path, "w", encoding, errors) as f:
        f.write(text)


def _identity(path: str | os.PathLike[str]) -> tuple[Any, ...] | None:
    """What two paths share when they name the same file: its inode if it exists
    (hard links, symlinks and ``..`` included), else its resolved path; ``None``
    for ``-``, devices, FIFOs and sockets (streams, which overwrite nothing)."""
    if str(path) == "-":
        return None
    try:
        st = os.stat(path)
    except OSError:
        return ("path", os.path.realpath(path))
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode):
        return None
    return ("inode", st.st_dev, st.st_ino)


def check_paths(
    inputs: Sequence[tuple[str, str | os.PathLike[str]]],
    outputs: Sequence[tuple[str, str | os.PathLike[str]]],
    *,
    output_dir: tuple[str, str | os.PathLike[str]] | None = None,
) -> None:
    """Raise :class:`UsageError` if an output is an input or another output, by
    file identity rather than by spelling. Each entry is ``(what, path)`` (``what``
    says where the user gave it, e.g. ``"-o"``, ``"--index"``, ``"input"``); an
    index counts as an input and an output. ``output_dir`` is a directory output:
    it may not be an input, lie inside an input directory (the next walk would read
    its files as inputs), nor hold an input or another output among its files
    (pass those as ``outputs`` too, as ``(what, dir / name)``)."""
    if output_dir is not None:
        what, d = output_dir
        real = Path(os.path.realpath(d))
        for w0, p0 in inputs:
            if str(p0) == "-":
                continue
            r0 = Path(os.path.realpath(p0))
            if r0.is_dir() and (real == r0 or real.is_relative_to(r0)):
                why = "the inputs would be overwritten" if real == r0 else "its files would be read as inputs next time"
                raise UsageError(
                    f"{what} {d} is {'the' if real == r0 else 'inside the'} {w0} directory {p0}: {why}; "
                    f"give {what} a directory outside it"
                )
    seen: dict[tuple[Any, ...], tuple[str, str]] = {}
    for what, p in inputs:
        key = _identity(p)  # (None for -, standard input)
        if key is not None:
            seen.setdefault(key, (what, str(p)))
    for what, p in outputs:
        key = ("standard output",) if str(p) == "-" else _identity(p)  # two outputs on stdout would interleave
        if key is None:
            continue
        if key in seen:
            w0, p0 = seen[key]
            raise UsageError(f"{what} {p} is the same file as {w0} {p0}: it would be overwritten; give {what} another path")
        seen[key] = (what, str(p))


def check_output_dir(out: str | os.PathLike[str], overwrite: bool = False) -> None:
    """Raise now what writing the directory output ``out`` later would: a file
    there (:class:`UsageError`), a non-empty directory without dedup's
    :data:`MANIFEST` unless ``overwrite`` (:class:`UsageError`), a missing parent
    directory or an unwritable one (:class:`DataError`)."""
    if str(out) == "-" or _descriptor_path(out)[0]:
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
    from . import __version__

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
    mode = 0o666 & ~_umask()
    ours = (root / MANIFEST).is_file()
    try:
        if not root.exists():
            root.mkdir()
            made.append(root)
            _write_manifest(root, {})  # the directory is dedup's from its first moment (a re-run may reuse it)
        old = _manifest(root)
        if ours:  # what a killed run left in its own directory goes
            alive: dict[int, bool] = {}
            for d, _, names in os.walk(root):
                for n in names:
                    if _stale(n, alive):
                        try:
                            os.unlink(os.path.join(d, n))
                        except OSError:
                            pass
        for name, text in items:
            rel = _relative(name, out)
            if rel in written:
                raise DataError(f"two documents would both be written to {Path(out) / rel}; make the ids unique")
            dest = root / rel
            try:
                for d in reversed(dest.parents):
                    if d == root or root not in d.parents:
                        continue
                    if not d.exists():
                        d.mkdir()
                        made.append(d)
                data = text.encode(encoding, "surrogateescape")
                kind, target = output_target(dest)
                if kind != "file" or target is None:
                    raise DataError(f"{Path(out) / rel} exists and is not a regular file; move it away")
                fd, tmp = _mkstemp(target)
                staged.append((tmp, target))
                with open(fd, "wb") as f:
                    f.write(data)
                try:
                    os.chmod(tmp, os.stat(target).st_mode & 0o7777)  # a replaced file keeps its permissions
                except FileNotFoundError:
                    os.chmod(tmp, mode)
            except OSError as e:
                raise OSError(e.errno, e.strerror or str(e), str(Path(out) / rel)) from None
            written[rel] = hashlib.sha256(data).hexdigest()
        _write_manifest(root, {**old, **written})  # every file about to be there is listed before one is renamed
        for tmp, target in staged:
            os.replace(tmp, target)
        staged = []
        for rel, digest in old.items():
            f = root / rel
            if rel not in written and f.is_file() and not f.is_symlink():
                if hashlib.sha256(f.read_bytes()).hexdigest() == digest:  # ours and unchanged: a stale output
                    f.unlink()
        _write_manifest(root, written)
    except BaseException:
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
        raise
    return len(written)


def iter_jsonl(
    path: str | os.PathLike[str], *, skip_bad: bool = False, skipped: list[int] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for the JSON objects of a JSONL file, one per non-blank line.

    ``path`` may be ``-`` (standard input), a pipe or a device, read once as a
    stream, and may be compressed (see :func:`open_input`). A malformed line (or
    one that is not an object) raises :class:`DataError` with its line number, or
    is skipped (its number appended to ``skipped``) when ``skip_bad``. Invalid
    UTF-8 counts as malformed; a UTF-8 byte order mark at the start is allowed.
    Damaged or truncated compressed data raises :class:`DataError` naming the file.
    """
    with open_input(path) as (f, comp):
        lineno = 0
        for lineno, raw in enumerate(_lines(f, path, comp, lambda: lineno), 1):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
                if not isinstance(obj, dict):
                    raise ValueError(f"a JSON {type(obj).__name__}, not an object")
            except (ValueError, UnicodeDecodeError) as e:
                if skip_bad:
                    if skipped is not None:
                        skipped.append(lineno)
                    continue
                raise DataError(f"{path}:{lineno}: malformed JSONL line ({e}); fix it or pass --skip-bad") from None
            yield lineno, obj


def _lines(f: IO[bytes], path: str | os.PathLike[str], comp: str | None, at: Any) -> Iterator[bytes]:
    """The lines of ``f``; an error of its decompressor is a :class:`DataError` naming ``path``."""
    it = iter(f)
    while True:
        try:
            line = next(it)
        except StopIteration:
            return
        except Exception as e:
            if comp is None or isinstance(e, (MemoryError, DataError)):
                raise
            raise DataError(
                f"{path}: the {comp} data is damaged or truncated after line {at()} ({type(e).__name__}: {e}); "
                f"fix or fetch the file again (test it with {_TESTER[comp]} {path})"
            ) from None
        yield line


#: The input and output formats of a corpus.
FORMATS = ("jsonl", "parquet", "txt")
#: Compressed JSONL by the last suffix (``.jsonl.gz``); ``zstd`` needs the ``zstandard`` package.
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}
_TESTER = {"gzip": "gzip -t", "bz2": "bzip2 -t", "xz": "xz -t", "zstd": "zstd -t"}
_MAGIC = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"))
_NAME_FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".txt": "txt"}
_KNOWN = ".jsonl, .json, .ndjson (each also .gz, .bz2, .xz, .zst), .parquet, .txt"


def name_format(path: str | os.PathLike[str]) -> tuple[str | None, str | None, str]:
    """``(format, compression, suffix)`` that the name of ``path`` says: format
    ``None`` when it says nothing known (``suffix`` is then what it says, ``""``
    for none), compression ``None`` when uncompressed.

    Examples:
        >>> name_format("crawl.jsonl.gz"), name_format("a.parquet"), name_format("x.csv"), name_format("-")
        (('jsonl', 'gzip', '.jsonl.gz'), ('parquet', None, '.parquet'), (None, None, '.csv'), (None, None, ''))
    """
    p = Path(str(path))
    suffix = p.suffix.lower()
    comp = COMPRESSIONS.get(suffix)
    if comp is not None:
        inner = Path(p.stem).suffix.lower()
        return _NAME_FORMATS.get(inner), comp, inner + suffix
    return _NAME_FORMATS.get(suffix), None, suffix


def is_stream(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is read or written as a stream: ``-``, an open descriptor
    (``/dev/stdin``, ``/dev/fd/N``), a character device or a FIFO."""
    if str(path) == "-" or _descriptor_path(path)[0] or os.path.abspath(path) == "/dev/stdin":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def input_format(
    paths: Sequence[str | os.PathLike[str]], given: str | None = None, output: str | os.PathLike[str] | None = None
) -> str:
    """The one format of the corpus inputs ``paths``: ``given`` (``--format``), else
    what each name says (a directory is ``txt``). A stream whose name says nothing
    (``-``, ``/dev/stdin``, a FIFO) is JSONL, or Parquet when the ``output`` name
    says Parquet. Raises :class:`UsageError` for a name that says
    nothing known, inputs of several formats, and compressed or streamed ``.txt``."""
    if given is not None and given not in FORMATS:
        raise UsageError(f"unknown format {given!r}; give one of {', '.join(FORMATS)}")
    kinds: dict[str, str] = {}
    for p in paths:
        fmt, comp, suffix = name_format(p)
        stream = is_stream(p)
        if given is not None:
            fmt = given
        elif Path(p).is_dir() and not stream:
            fmt = "txt"
        elif fmt is None and stream:  # (the output's name, else JSONL: the format that streams)
            out = name_format(output)[0] if output is not None else None
            fmt = out if out == "parquet" else "jsonl"
        elif fmt is None:
            raise UsageError(
                f"{p}: cannot tell the format from the name ({suffix or 'no suffix'}); give --format jsonl, "
                f"parquet or txt, or rename it to one of {_KNOWN}"
            )
        if fmt == "txt" and (stream or comp is not None):
            why = "a stream" if stream else f"{comp}-compressed"
            raise UsageError(
                f"{p}: a .txt corpus is read from files or directories, not {why}; "
                + ("decompress it first" if comp else "use dedup collapse for one text on standard input")
            )
        kinds.setdefault(fmt, str(p))
    if len(kinds) > 1:
        raise UsageError(
            f"inputs mix kinds ({', '.join(sorted(kinds))}); give only .jsonl, only .parquet or only .txt"
        )
    return next(iter(kinds)) if kinds else (given or "jsonl")


def output_format(out: str | os.PathLike[str], given: str | None, input_fmt: str) -> tuple[str, str | None]:
    """``(format, compression)`` of the corpus output ``out``: ``given``
    (``--output-format``), which must agree with what the name says; else what the
    name says (JSONL and Parquet convert into each other, and ``.txt`` files into
    either); else, for ``-``, a device, a directory or a name without suffix, the
    input's format. A name that says something else is a :class:`UsageError`
    (a Parquet file is never written under a ``.jsonl`` name), and so is
    compression of anything but JSONL.

    Examples:
        >>> output_format("out.jsonl.gz", None, "parquet"), output_format("-", None, "jsonl")
        (('jsonl', 'gzip'), ('jsonl', None))
    """
    if given is not None and given not in FORMATS:
        raise UsageError(f"unknown output format {given!r}; give one of {', '.join(FORMATS)}")
    fmt, comp, suffix = name_format(out)
    if fmt == "txt":
        fmt = None  # (-o results.txt: a directory output, refused as a file where a directory is needed)
    nameless = fmt is None and (suffix in ("", *COMPRESSIONS) or is_stream(out) or Path(out).is_dir() or input_fmt == "txt")
    if given is not None:
        if fmt is not None and fmt != given:
            raise UsageError(
                f"-o {out} names a {fmt} file but --output-format is {given}; name it {Path(str(out)).name.split('.')[0]}"
                f"{'.jsonl' if given == 'jsonl' else '.parquet' if given == 'parquet' else '/'} or drop --output-format"
            )
        fmt = given
    elif fmt is None:
        if not nameless:
            raise UsageError(
                f"-o {out}: cannot tell the output format from the name ({suffix}); name it .jsonl or .parquet, "
                f"or give --output-format jsonl, parquet or txt"
            )
        fmt = input_fmt
    if comp is not None and fmt != "jsonl":
        raise UsageError(f"-o {out}: only JSONL is written compressed; drop {Path(str(out)).suffix} or write JSONL")
    return fmt, comp


def _compression_module(comp: str) -> Any:
    if comp == "gzip":
        import gzip

        return gzip
    if comp == "bz2":
        import bz2

        return bz2
    if comp == "xz":
        import lzma

        return lzma
    try:
        import zstandard
    except ImportError:
        raise DataError(
            "reading or writing .zst needs the zstandard package: pip install zstandard (the [zstd] extra)"
        ) from None
    return zstandard


@contextlib.contextmanager
def open_input(path: str | os.PathLike[str]) -> Iterator[tuple[IO[bytes], str | None]]:
    """``(binary stream, compression)`` of an input, opened once: ``-`` is standard
    input; a pipe or device is read as it comes. Compressed data (gzip, bz2, xz,
    zstd) is decompressed as it is read, told by the name's suffix or, for any
    other name, by its first bytes."""
    if str(path) == "-":
        raw: IO[bytes] = sys.stdin.buffer
        own = False
    else:
        raw = open(path, "rb")  # (a FIFO opens once: this is the only open)
        own = True
    try:
        if not hasattr(raw, "peek"):
            raw = io.BufferedReader(raw)  # type: ignore[arg-type]
        comp = name_format(path)[1]
        if comp is None:
            head = raw.peek(6)[:6]  # type: ignore[attr-defined]
            comp = next((c for magic, c in _MAGIC if head.startswith(magic)), None)
        if comp is None:
            yield raw, None
            return
        mod = _compression_module(comp)
        if comp == "gzip":
            f: IO[bytes] = mod.GzipFile(fileobj=raw, mode="rb")
        elif comp == "bz2":
            f = mod.BZ2File(raw, "rb")
        elif comp == "xz":
            f = mod.LZMAFile(raw, "rb")
        else:
            f = io.BufferedReader(mod.ZstdDecompressor().stream_reader(raw, read_across_frames=True))  # type: ignore[arg-type]
        try:
            yield f, comp
        finally:
            with contextlib.suppress(Exception):
                f.close()
    finally:
        if own:
            raw.close()


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str], compression: str | None = None) -> Iterator[IO[str]]:
    """A UTF-8 text stream (no newline translation) onto an output written as
    :class:`AtomicFile` writes it, compressed with ``compression`` (see
    :data:`COMPRESSIONS`; deterministic: no time stamp or name in the header).
    The compressed stream is finished before the rename, so the file appears
    whole or not at all."""
    with AtomicFile(path, "wb") as raw:
        z: IO[bytes] = raw
        if compression is not None:
            mod = _compression_module(compression)
            if compression == "gzip":
                z = mod.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6, mtime=0)
            elif compression == "bz2":
                z = mod.BZ2File(raw, "wb")
            elif compression == "xz":
                z = mod.LZMAFile(raw, "wb")
            else:
                z = mod.ZstdCompressor().stream_writer(raw, closefd=False)
        f = io.TextIOWrapper(z, encoding="utf-8", errors="surrogateescape", newline="")  # type: ignore[arg-type]
        ok = False
        try:
            yield f
            ok = True
        finally:
            with contextlib.suppress(Exception) if not ok else contextlib.nullcontext():
                f.flush()
                f.detach()
                if z is not raw:
                    z.close()  # (the trailer; the file underneath stays open for AtomicFile)


def txt_files(inputs: Iterable[str | os.PathLike[str]]) -> list[tuple[str, Path]]:
    """``(id, path)`` of the text documents named: files as given, directories
    walked for ``*.txt`` (any case: ``.TXT`` too) in sorted order (ids are paths
    relative to the directory)."""
    out: list[tuple[str, Path]] = []
    for p in map(Path, inputs):
        if p.is_dir():
            for f in sorted(f for f in p.rglob("*") if f.suffix.lower() == ".txt" and f.is_file()):
                out.append((f.relative_to(p).as_posix(), f))
        elif p.exists():
            out.append((p.name, p))
        else:
            raise DataError(f"{p}: no such file or directory")
    return out


def iter_txt(files: list[tuple[str, Path]], errors: str = "strict", encoding: str = "utf-8") -> Iterator[tuple[str, str]]:
    """``(id, text)`` for each text file (see :func:`read_text` for ``encoding`` and ``errors``)."""
    for did, path in files:
        yield did, read_text(path, encoding, errors)


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError("reading or writing .parquet needs pyarrow: pip install 'pyarrow>=12' (the [parquet] extra: pip install '.[parquet]' in dedup's checkout)") from None
    return pq


def parquet_schema(path: str | os.PathLike[str]) -> Any:
    """The Arrow schema of a Parquet file."""
    return _pyarrow().read_schema(path)


def iter_parquet(
    path: str | os.PathLike[str], batch_rows: int = 1024, schema_out: list[Any] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row number, row)`` of a Parquet file as dicts, a record batch at a time
    (its schema appended to ``schema_out``). ``-``, a pipe or a device is read
    once, whole, into memory (Parquet keeps its index at the end)."""
    pq = _pyarrow()
    import pyarrow as pa

    try:
        if is_stream(path):
            with open_input(path) as (f, comp):
                if comp is not None:
                    raise DataError(f"{path}: Parquet compresses itself; give it uncompressed")
                source: Any = pa.BufferReader(f.read())
        else:
            source = path
        pf = pq.ParquetFile(source)
    except DataError:
        raise
    except OSError as e:
        if e.filename is not None or isinstance(e, (FileNotFoundError, PermissionError)):
            raise
        raise DataError(f"{path}: not a readable Parquet file ({e})") from None
    except Exception as e:  # pyarrow raises its own error types
        raise DataError(f"{path}: not a readable Parquet file ({e})") from None
    if schema_out is not None:
        schema_out.append(pf.schema_arrow)
    n = 0
    for batch in pf.iter_batches(batch_size=batch_rows):
        for row in batch.to_pylist():
            n += 1
            yield n, row


def write_parquet(
    path: str | os.PathLike[str], rows: Iterable[dict[str, Any]], schema: Any = None, batch_rows: int = 1024
) -> None:
    """Write rows with ``schema`` (``None``: the one the first rows have) to ``path`` atomically."""
    pq = _pyarrow()
    import pyarrow as pa

    with AtomicFile(path, "wb") as f:
        writer = None
        buf: list[dict[str, Any]] = []
        n = 0

        def flush() -> None:
            nonlocal writer, schema
            try:
                table = pa.Table.from_pylist(buf, schema=schema)
            except (pa.ArrowException, TypeError, ValueError) as e:
                raise DataError(
                    f"{path}: rows {n - len(buf) + 1}-{n} do not fit the Parquet schema of the rows before "
                    f"({e}); give the records one type per field, or write JSONL"
                ) from None
            if writer is None:
                schema = table.schema
                writer = pq.ParquetWriter(f, schema)
            writer.write_table(table)

        for r in rows:
            buf.append(r)
            n += 1
            if len(buf) >= batch_rows:
                flush()
                buf = []
        if buf or writer is None:
            flush()
        if writer is not None:
            writer.close()

"""Which format (JSONL, Parquet, ``.txt``) and compression an input or output is in,
from its name, ``--format``/``--output-format`` and what it is."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .errors import UsageError
from .paths import is_stream

__all__ = ["FORMATS", "COMPRESSIONS", "name_format", "input_format", "output_format"]

#: The input and output formats of a corpus.
FORMATS = ("jsonl", "parquet", "txt")
#: Compressed JSONL by the last suffix (``.jsonl.gz``); ``zstd`` needs the ``zstandard`` package.
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}
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


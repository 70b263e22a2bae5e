"""JSONL: reading objects line by line with clear errors, and JSON text that always encodes as UTF-8."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

from .compression import decompressed_lines, open_input
from .errors import DataError

__all__ = ["has_surrogate", "dumps_json", "iter_jsonl"]

_SURROGATE = re.compile("[\ud800-\udfff]")


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



def iter_jsonl(
    path: str | os.PathLike[str], *, skip_bad: bool = False, skipped: list[int] | None = None,
    read_bytes: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for the JSON objects of a JSONL file, one per non-blank line.

    ``path`` may be ``-`` (standard input), a pipe or a device, read once as a
    stream, and may be compressed (see :func:`open_input`). A malformed line (or
    one that is not an object) raises :class:`DataError` with its line number, or
    is skipped (its number appended to ``skipped``) when ``skip_bad``. Invalid
    UTF-8 counts as malformed; a UTF-8 byte order mark at the start is allowed.
    Damaged or truncated compressed data raises :class:`DataError` naming the file.
    ``read_bytes`` is told the bytes read from ``path`` as they are (see :func:`open_input`).
    """
    with open_input(path, read_bytes) as (f, comp):
        lineno = 0
        for lineno, raw in enumerate(decompressed_lines(f, path, comp, lambda: lineno), 1):  # noqa: B023 (the line reached so far, read when the data breaks)
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
                why = (f"not UTF-8 at byte {e.start}; JSON Lines is always UTF-8, --encoding and --errors are for .txt "
                       "input" if isinstance(e, UnicodeDecodeError) else str(e))
                raise DataError(f"{path}:{lineno}: malformed JSONL line ({why}); fix it or pass --skip-bad") from None
            yield lineno, obj



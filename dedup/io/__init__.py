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

from .atomic import AtomicFile, write_atomic
from .compression import open_input, open_output
from .directory import MANIFEST, check_output_dir, write_txt_dir
from .errors import DataError, UsageError, describe_os_error
from .formats import COMPRESSIONS, FORMATS, input_format, name_format, output_format
from .jsonl import dumps_json, has_surrogate, iter_jsonl
from .parquet import iter_parquet, parquet_schema, write_parquet
from .paths import check_output_file, check_paths, is_stream, output_target
from .temporary import sweep_temporary
from .text_files import iter_txt, read_text, txt_files

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

"""Reading a small text file a user names (a spec, an answers file, a model file), with messages
that say what is wrong with it."""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import tomllib
from collections.abc import Sequence
from os import PathLike
from pathlib import Path


class MissingFileError(FileNotFoundError):
    """A file the user named as input does not exist: a mistake in what was typed (the command
    line's status 2), not a failure of the system around it."""


def _kind(mode: int) -> str:
    """What a file that is not a regular one is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _open_regular(path: Path, what: str) -> int:
    """A descriptor of ``path`` opened for reading, if it is a regular file; ValueError saying
    what it is otherwise. Opened without blocking (a FIFO with no writer would wait forever in a
    plain open) and checked on the descriptor itself, so that the file checked is the file read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ValueError(f"{path}: is {_kind(mode)}, not {what}; give the name of a file")
    os.set_blocking(fd, True)
    return fd


def read_text(path: str | PathLike[str], what: str, suffixes: Sequence[str] | None,
              max_bytes: int) -> tuple[Path, str]:
    """The path and UTF-8 text of a file (a spreadsheet's byte-order mark dropped).

    ValueError for a name not ending in one of ``suffixes`` (None: any name), something that is
    not a regular file (a directory, a FIFO, a device), a file over ``max_bytes`` or one that is
    not text; MissingFileError (a FileNotFoundError) for a missing one. ``what`` names it ("a spec
    file"). The file is read in pieces, never past ``max_bytes``: a file that grows while read is
    refused at once.
    """
    path = Path(path)
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise ValueError(f"{path}: {what} ends in {' or '.join(suffixes)}")
    if not path.exists():
        raise MissingFileError(f"{path}: no such {what.split(' ', 1)[1]}")
    chunks, size = [], 0
    with open(_open_regular(path, what), "rb") as f:
        while chunk := f.read(1 << 16):
            size += len(chunk)
            if size > max_bytes:
                raise ValueError(f"{path}: {what} may be at most {max_bytes:,} bytes")
            chunks.append(chunk)
    try:
        return path, b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 text file") from None


class DuplicateKeyError(ValueError):
    """A JSON object that gives one key twice (JSON itself would keep the last, silently)."""


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    data: dict[str, object] = {}
    for key, value in pairs:
        if key in data:
            shown = repr(key) if len(key) <= 40 else repr(key[:37] + "...")
            raise DuplicateKeyError(f"the key {shown} is given twice in one object (remove "
                                    "one: JSON would keep only the last)")
        data[key] = value
    return data


MAX_KEY_DEPTH = 100  # dotted keys a.b.c…: no spec or answers file needs a hundred levels


def toml_value(text: str) -> dict[str, object]:
    """The table in TOML ``text``, as `tomllib.loads` reads it, but refusing keys dotted more
    than MAX_KEY_DEPTH levels deep first with a RecursionError, as a deeply nested value is
    refused (tomllib takes time growing as the square of a dotted key's depth: 16 s for 30,000
    levels). tomllib.TOMLDecodeError and ValueError (a whole number too long) pass through."""
    for line in text.splitlines():
        key = line.split("=", 1)[0] if "=" in line else line if line.lstrip().startswith(
            "[") else ""
        if key.count(".") > MAX_KEY_DEPTH:
            raise RecursionError(f"a key dotted more than {MAX_KEY_DEPTH} levels deep")
    return tomllib.loads(text)


def json_value(text: str) -> object:
    """The value in JSON ``text``, as `json.loads` reads it, but refusing an object that gives a
    key twice (DuplicateKeyError) and a whole number longer than Python reads (ValueError naming
    its line, see `long_number`). json.JSONDecodeError and RecursionError pass through."""
    def whole(digits: str) -> int:
        if len(digits.lstrip("-")) > sys.get_int_max_str_digits() > 0:
            raise ValueError(long_number(text) or "a whole number is too long to read")
        return int(digits)

    return json.loads(text, object_pairs_hook=_unique, parse_int=whole)


def long_number(text: str) -> str | None:
    """"line N: a whole number of D digits ..." for the first number in ``text`` longer than
    the digits Python turns into an int (4,300 by default), or None if there is none."""
    most = sys.get_int_max_str_digits()
    found = re.search(rf"\d{{{most + 1},}}", text) if most > 0 else None
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    return (f"line {line}: a whole number of {len(found.group()):,} digits is longer than the "
            f"{most:,} digits a number may have")

"""A class roster: a CSV file with a header row and a column ``id`` (other columns, such as name
or email, are kept). Each id names a student's folder and files, so it is checked as a file name."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from os import PathLike

from nn._checks import short_repr
from nn._files import read_text

MAX_FILE_BYTES = 5_000_000
MAX_STUDENTS = 5_000
_ID = re.compile(r"[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,63}")


@dataclass(frozen=True)
class Roster:
    """The roster's ``columns`` (``id`` among them) and one row per student, in file order."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]

    @property
    def ids(self) -> list[str]:
        """The students' ids, in roster order."""
        return [row["id"] for row in self.rows]


def parse_roster(text: str, source: str = "the roster") -> Roster:
    """A checked `Roster` from a CSV file's text (``,``, ``;`` or tab between cells)."""
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{source}: empty; a roster is a CSV file with a header row and a "
                         "column id")
    sep = ";" if ";" in lines[0] else "\t" if "\t" in lines[0] else ","
    reader = csv.reader(lines, delimiter=sep)
    header = [h.strip() for h in next(reader)]
    if "id" not in [h.lower() for h in header]:
        raise ValueError(f"{source}: the header row has no column id (it has "
                         f"{', '.join(header) or 'no columns'})")
    header = ["id" if h.lower() == "id" else h for h in header]
    rows, seen = [], {}
    for k, cells in enumerate(reader, 2):
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        student = row["id"]
        if not _ID.fullmatch(student) or student in (".", ".."):
            raise ValueError(f"{source}, line {k}: the id {short_repr(student)} cannot name a "
                             "file: use letters, digits and . _ @ + - (at most 64, not starting "
                             "with .)")
        if student in seen:
            raise ValueError(f"{source}, line {k}: the id {student} is also on line "
                             f"{seen[student]}")
        seen[student] = k
        rows.append(row)
    if not rows:
        raise ValueError(f"{source}: no students under the header row")
    if len(rows) > MAX_STUDENTS:
        raise ValueError(f"{source}: {len(rows)} students, more than {MAX_STUDENTS}")
    return Roster(tuple(header), tuple(rows))


def read_roster(path: str | PathLike[str]) -> Roster:
    """The checked roster in the CSV file ``path``."""
    path, text = read_text(path, "a roster file", (".csv", ".txt"), MAX_FILE_BYTES)
    return parse_roster(text, str(path))

"""The one exception every loader raises when a file breaks its contract."""

from __future__ import annotations

from pathlib import Path

from helpers import REPO_ROOT


def display_path(path: str | Path) -> str:
    """Return ``path`` relative to the repository root when it lies inside it, else as given.

    Messages then read ``data/raw/yearbook/rd_intense.csv`` instead of a long absolute path.
    """
    path = Path(path)
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


class DataValidationError(ValueError):
    """A data file failed validation; nothing from it was loaded.

    The message names the file, the row and the problem, for example
    ``data/raw/yearbook/rd_intense.csv, row 17: value -3.2 is negative (rd_expenditure must
    be ≥ 0)``.

    Rows are counted as **lines of the file**: the header is row 1, so the first data record
    is row 2. That is the number an editor shows next to the offending line.

    Parameters
    ----------
    path : str or pathlib.Path
        The file that failed.
    row : int or None
        Line number of the first problem (1 = header); ``None`` when the problem is not tied to
        a line (for example a missing file).
    problem : str
        One plain sentence saying what is wrong.
    more : int, optional
        How many further problems were found in the same file (they are counted, not listed).
    """

    def __init__(self, path: str | Path, row: int | None, problem: str, more: int = 0):
        self.path = display_path(path)
        self.row = row
        self.problem = problem
        self.more = more
        where = self.path if row is None else f"{self.path}, row {row}"
        tail = f" (and {more} more problem{'s' if more != 1 else ''} in this file)" if more else ""
        super().__init__(f"{where}: {problem}{tail}")

"""Check that a text does not copy the source report (eight-word runs, compared by hash)."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

RUNS_FILE = Path(__file__).parent / "fixtures" / "report_8word_runs.txt"
RUN = 8


@functools.cache
def report_runs() -> frozenset[str]:
    lines = RUNS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def copies_the_report(text: str) -> bool:
    """True if ``text`` shares a run of eight consecutive words with the report."""
    words = re.findall(r"[a-z0-9.%]+", text.lower())
    return any(
        hashlib.sha256(" ".join(words[i : i + RUN]).encode()).hexdigest()[:16] in report_runs()
        for i in range(len(words) - RUN + 1)
    )

"""A readable comparison of two article versions: side by side, changed words marked, unchanged runs folded."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONTEXT = 2  # unchanged lines kept on each side of a change; longer runs fold
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "same", "change", "add", "del", or "fold" (a run of unchanged lines left out)
    old_number: int | None = None
    old_html: str = ""  # safe HTML (escaped, with <del>/<ins>) or empty
    new_number: int | None = None
    new_html: str = ""
    folded: int = 0


def version_text(version: object) -> str:
    """What a version says, as compared: the title, the summary, then the body."""
    return f"# {getattr(version, 'title', '')}\n{getattr(version, 'summary', '')}\n\n{getattr(version, 'body', '')}"


def _marked(words: list[str], spans: list[tuple[int, int]], tag: str) -> SafeString:
    out: list[str] = []
    at = 0
    for start, end in spans:
        out.append(escape("".join(words[at:start])))
        out.append(f"<{tag}>{escape(''.join(words[start:end]))}</{tag}>")
        at = end
    out.append(escape("".join(words[at:])))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def _changed_pair(old: str, new: str) -> tuple[SafeString, SafeString]:
    """One line changed into another: the words that differ marked on each side."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed.append((i1, i2))
        if tag in ("replace", "insert"):
            added.append((j1, j2))
    return _marked(a, removed, "del"), _marked(b, added, "ins")


def side_by_side(old_text: str, new_text: str, *, context: int = CONTEXT) -> list[DiffRow]:
    old, new = old_text.splitlines(), new_text.splitlines()
    rows: list[DiffRow] = []
    for group in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        tag, i1, i2, j1, j2 = group
        if tag == "equal":
            rows.extend(_unchanged(old, i1, i2, j1, first=not rows, last=i2 == len(old), context=context))
        elif tag == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                o = i1 + k if i1 + k < i2 else None
                n = j1 + k if j1 + k < j2 else None
                if o is not None and n is not None:
                    left, right = _changed_pair(old[o], new[n])
                    rows.append(DiffRow("change", o + 1, left, n + 1, right))
                elif o is not None:
                    rows.append(_deleted(old, o))
                elif n is not None:
                    rows.append(_added(new, n))
        elif tag == "delete":
            rows.extend(_deleted(old, o) for o in range(i1, i2))
        else:
            rows.extend(_added(new, n) for n in range(j1, j2))
    return rows


def _deleted(old: list[str], o: int) -> DiffRow:
    return DiffRow("del", o + 1, _marked([old[o]], [(0, 1)], "del"))


def _added(new: list[str], n: int) -> DiffRow:
    return DiffRow("add", new_number=n + 1, new_html=_marked([new[n]], [(0, 1)], "ins"))


def _unchanged(old: list[str], i1: int, i2: int, j1: int, *, first: bool, last: bool, context: int) -> list[DiffRow]:
    """A run of equal lines: kept near changes, folded in between."""

    def row(i: int) -> DiffRow:
        text = mark_safe(escape(old[i]))  # noqa: S308 - escaped
        return DiffRow("same", i + 1, text, j1 + (i - i1) + 1, text)

    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if i2 - i1 <= keep_head + keep_tail + 1:
        return [row(i) for i in range(i1, i2)]
    rows = [row(i) for i in range(i1, i1 + keep_head)]
    rows.append(DiffRow("fold", folded=(i2 - keep_tail) - (i1 + keep_head)))
    rows.extend(row(i) for i in range(i2 - keep_tail, i2))
    return rows

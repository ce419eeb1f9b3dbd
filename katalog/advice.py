"""Warnings: what may be wrong in valid content and needs a person to judge.

An error stops the build; these do not. They catch what review by eye misses
in a pull request: a profile nobody has checked against its sources for a
year, a summary that only repeats the title, and the same innovation sent in
twice by one agency. Each is a :class:`ContentError` with severity "warning".
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from .cache import Cache, code_tag, digest, memo
from .errors import ContentError
from .sources import Document

STALE_AFTER = dt.timedelta(days=365)
# A summary should say what the innovation does and for whom: at least this
# many words that are not words of the title.
MIN_NEW_WORDS = 5
# Titles this similar (difflib ratio, after normalising) by one agency are
# probably one innovation sent twice.
NEAR_TITLE = 0.85
_WORD = re.compile(r"\w+")


def review(
    documents: Iterable[Document], today: dt.date, store: Cache | None = None, cores: int = 1
) -> list[ContentError]:
    """Every warning for the profiles among ``documents``, in a stable order.

    Each profile's own warnings are a function of its text and the date, so ``store``
    keeps them under both: a large, old catalogue has a warning on most profiles,
    and finding a warning's line means reading back the profile's positions. What
    the store does not know is worked out on ``cores`` processes (comparing the
    titles of every agency's profiles took 7 s of a first check of 30,000).
    """
    profiles = [d for d in documents if d.kind == "innovation"]
    day = today.isoformat()
    own = functools.partial(_own, today=today)
    found = memo(store, "advice", profiles, lambda doc: digest(doc.digest, day), own, cores)
    warnings = [warning for own in found for warning in own]
    warnings += near_duplicates(profiles, store, cores)
    return sorted(warnings, key=ContentError.position)


def _own(doc: Document, today: dt.date) -> list[ContentError]:
    """The warnings of one profile on its own."""
    return stale(doc, today) + repeated_title(doc)


def stale(doc: Document, today: dt.date) -> list[ContentError]:
    try:
        updated = dt.date.fromisoformat(str(doc.data.get("updated")))
    except ValueError:  # reported by the schema check already
        return []
    if today - updated <= STALE_AFTER:
        return []
    message = (
        f"last reviewed on {updated.isoformat()}, more than a year ago; check the profile against its "
        "sources, then set 'updated' to the date of that review"
    )
    return [doc.error(("updated",), message, severity="warning")]


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def repeated_title(doc: Document) -> list[ContentError]:
    title, summary = str(doc.data.get("title", "")), str(doc.data.get("summary", ""))
    in_title = set(words(title))
    new = [w for w in words(summary) if w not in in_title]
    if len(new) >= MIN_NEW_WORDS:
        return []
    message = (
        "the summary mostly repeats the title; say in a sentence what the innovation does, for whom, and what changed"
    )
    return [doc.error(("summary",), message, severity="warning")]


def near_duplicates(profiles: list[Document], store: Cache | None = None, cores: int = 1) -> list[ContentError]:
    """Profiles of one agency whose titles nearly match: a warning on each, naming the other."""
    by_agency: dict[str, list[Document]] = defaultdict(list)
    for doc in profiles:
        by_agency[str(doc.data.get("agency", ""))].append(doc)
    groups = [group for group in by_agency.values() if len(group) > 1]
    titles = [[" ".join(words(str(d.data.get("title", "")))) for d in group] for group in groups]
    pairs = memo(store, "near-titles", titles, lambda t: digest(code_tag(), *t), _similar_pairs, cores)
    warnings: list[ContentError] = []
    for group, found in zip(groups, pairs, strict=True):
        for i, j in found:
            warnings += [_duplicate(group[i], group[j]), _duplicate(group[j], group[i])]
    return warnings


def _similar_pairs(titles: list[str]) -> list[tuple[int, int]]:
    return list(_pairs(titles))


def _pairs(titles: list[str]) -> Iterator[tuple[int, int]]:
    matcher = difflib.SequenceMatcher(autojunk=False)
    for j in range(1, len(titles)):
        matcher.set_seq2(titles[j])
        for i in range(j):
            matcher.set_seq1(titles[i])
            # The cheap upper bounds first: most pairs stop there.
            if matcher.real_quick_ratio() < NEAR_TITLE or matcher.quick_ratio() < NEAR_TITLE:
                continue
            if matcher.ratio() >= NEAR_TITLE:
                yield i, j


def _duplicate(doc: Document, other: Document) -> ContentError:
    message = (
        f"title and agency nearly match {other.display} ({other.data.get('title')!r}); if it is the same "
        "innovation, update that profile instead of adding another"
    )
    return doc.error(("title",), message, severity="warning")

"""Extra words for the search index: synonyms and abbreviations of each profile.

Indonesian public services are known by acronyms (MPP, Samsat, KTP-el...).
``content/synonyms.yml`` lists the forms of each term; a profile that uses any
form gets every form added to its indexed text, so a search for either finds
it. Terms are found in one pass of one regular expression per profile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Innovation

_TAG = re.compile(r"<[^>]+>")


class Synonyms:
    """The groups of ``synonyms.yml`` and a matcher for all their forms."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self.groups = [tuple(group) for group in groups]
        self._group_of = {form.casefold(): i for i, group in enumerate(self.groups) for form in group}
        forms = sorted(self._group_of, key=len, reverse=True)
        alternatives = "|".join(re.escape(form) for form in forms)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if forms else None

    def expand(self, text: str) -> list[str]:
        """Every form of every group that ``text`` mentions, in the file's order."""
        if self._pattern is None:
            return []
        found = {self._group_of[m.group(0).casefold()] for m in self._pattern.finditer(text)}
        return [form for i in sorted(found) for form in self.groups[i]]


def search_terms(item: Innovation, synonyms: Synonyms) -> str:
    """Words to index for ``item`` beyond its visible text: agency short name and synonyms."""
    text = " ".join([item.title, item.summary, *item.tags, item.agency.name, _TAG.sub(" ", item.body)])
    words = [item.agency.short_name, *synonyms.expand(text)]
    return " ".join(word for word in words if word)

"""Related innovations: the profiles a reader who found one should compare it with.

Computed once per build for every profile. Replications come first (the
profile it copies, then the profiles that copy it); then the profiles that
share the most with it: tags weigh most, then significant words of the title
and summary, the competition category and the sectors. Candidates are found
through an inverted index of the rarer features, so the work per profile is
bounded and the whole grows with the catalogue, not with its square;
features shared by many profiles (a common word, a big sector) only rank the
best candidates.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Innovation, Replication

LIMIT = 5
MAX_HOLDERS = 50  # a feature more profiles share than this finds no candidates, only ranks them
WEIGHT = {"tag": 3, "sector": 2, "word": 1, "category": 1}
# Words so common in profiles that sharing them says nothing.
STOPWORDS = frozenset(
    [
        "adalah",
        "agar",
        "akan",
        "atau",
        "bagi",
        "bahwa",
        "bisa",
        "dalam",
        "dan",
        "dari",
        "dengan",
        "di",
        "inovasi",
        "ini",
        "itu",
        "juga",
        "ke",
        "kepada",
        "lebih",
        "layanan",
        "melalui",
        "masyarakat",
        "oleh",
        "pada",
        "pelayanan",
        "pemerintah",
        "publik",
        "sebagai",
        "secara",
        "serta",
        "tersebut",
        "untuk",
        "warga",
        "yang",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


def significant_words(text: str) -> set[str]:
    """Lowercase words of four letters or more that are not stopwords."""
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 4 and w not in STOPWORDS}


def _features(item: Innovation) -> set[tuple[str, str]]:
    found = {("tag", tag.lower()) for tag in item.tags}
    found |= {("word", w) for w in significant_words(f"{item.title} {item.summary}")}
    found |= {("sector", sector.key) for sector in item.sectors}
    if item.category:
        found.add(("category", item.category.key))
    return found


def compute(
    items: Sequence[Innovation],
    replications: Mapping[str, Iterable[Replication]],
    by_sector: Mapping[str, Sequence[Innovation]],
    limit: int = LIMIT,
) -> dict[str, tuple[Innovation, ...]]:
    """Up to ``limit`` related profiles for every profile, by slug."""
    features = [_features(item) for item in items]
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, found in enumerate(features):
        for feature in found:
            index[feature].append(position)
    by_slug = {item.slug: item for item in items}
    related: dict[str, tuple[Innovation, ...]] = {}
    for position, item in enumerate(items):
        shortlist = _shortlist(position, features, index, limit)
        chosen = _unique(chain(_replication_family(item, replications, by_slug), (items[o] for o in shortlist)),
                         exclude=item.slug, limit=limit)  # fmt: skip
        if len(chosen) < limit:
            same_sector = (other for s in item.sectors for other in by_sector.get(s.key, ()))
            chosen = _unique(chain(chosen, same_sector), exclude=item.slug, limit=limit)
        related[item.slug] = tuple(chosen)
    return related


def _shortlist(
    position: int, features: Sequence[set[tuple[str, str]]], index: Mapping[tuple[str, str], list[int]], limit: int
) -> list[int]:
    """The best-scoring other profiles for the profile at ``position``, best first.

    Rare features (held by at most MAX_HOLDERS profiles) find the candidates,
    so the work per profile is bounded whatever the catalogue's size; the
    common ones only rank the few best candidates. Ties go to the profile
    that sorts first by slug (lower position), so the result is stable.
    """
    scores: Counter[int] = Counter()
    common = []
    for feature in features[position]:
        holders = index[feature]
        if len(holders) > MAX_HOLDERS:
            common.append(feature)
            continue
        for other in holders:
            scores[other] += WEIGHT[feature[0]]
    scores.pop(position, None)
    best = heapq.nsmallest(limit * 4, scores, key=lambda o: (-scores[o], o))
    final = {o: scores[o] + sum(WEIGHT[f[0]] for f in common if f in features[o]) for o in best}
    return sorted(best, key=lambda o: (-final[o], o))


def _replication_family(
    item: Innovation, replications: Mapping[str, Iterable[Replication]], by_slug: Mapping[str, Innovation]
) -> list[Innovation]:
    family = [by_slug[item.replicated_from]] if item.replicated_from in by_slug else []
    family += [r.innovation for r in replications.get(item.slug, ()) if r.innovation is not None]
    return family


def _unique(candidates: Iterable[Innovation], exclude: str, limit: int) -> list[Innovation]:
    """The first ``limit`` distinct profiles of ``candidates`` other than ``exclude``."""
    seen = {exclude}
    chosen: list[Innovation] = []
    for candidate in candidates:
        if candidate.slug in seen:
            continue
        seen.add(candidate.slug)
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    return chosen

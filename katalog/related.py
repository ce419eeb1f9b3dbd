"""Related innovations: the profiles a reader who found one should compare it with.

Computed once per build for every profile. Replications come first (the
profile it copies, then the profiles that copy it); then the profiles that
share the most with it: tags weigh most, then significant words of the title
and summary, the competition category and the sectors. Candidates are found
through an inverted index of the rarer features, so the work per profile is
bounded and the whole grows with the catalogue, not with its square;
features shared by many profiles (a common word, a big sector) only rank the
best candidates. Where candidates tie, or too few are found and the
profile's sectors fill the list, the profiles nearest it in the catalogue's
order come first, not the first in that order: so no profile is everyone's
neighbour.

The choice reads only plain values (:class:`Inputs`: each profile's title,
summary, tags, sectors and category, its replication family, the members of
its sectors), so a build remembers it under a hash of them: an edit to a
body, a date or an outcome, which changes none of them, does not choose
again for every profile.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import pickle
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .cache import Cache
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


Feature = tuple[str, str]  # ("tag", "e-ktp"), ("word", "antrean"), ("sector", "kesehatan"), ...
CACHE_TABLE = "related"


class Described(NamedTuple):
    """What a profile says about itself that the choice compares."""

    text: str  # its title and summary
    tags: tuple[str, ...]
    sectors: tuple[str, ...]  # keys
    category: str  # key, or ""

    def features(self) -> set[Feature]:
        found = {("tag", tag.lower()) for tag in self.tags}
        found |= {("word", w) for w in significant_words(self.text)}
        found |= {("sector", key) for key in self.sectors}
        if self.category:
            found.add(("category", self.category))
        return found


@dataclass(frozen=True)
class Inputs:
    """Everything the choice reads, by profile in the catalogue's order, as plain values
    (the profiles' own words, not yet their features: a remembered choice is found
    without working those out)."""

    slugs: tuple[str, ...]
    described: tuple[Described, ...]
    families: tuple[tuple[str, ...], ...]  # the profile it copies, then those that copy it
    by_sector: tuple[tuple[str, tuple[str, ...]], ...]  # each sector's profiles, in order

    def digest(self) -> str:
        return hashlib.sha256(pickle.dumps(self, pickle.HIGHEST_PROTOCOL)).hexdigest()


def inputs(
    items: Sequence[Innovation],
    replications: Mapping[str, Iterable[Replication]],
    by_sector: Mapping[str, Sequence[Innovation]],
) -> Inputs:
    by_slug = {item.slug: item for item in items}
    return Inputs(
        tuple(item.slug for item in items),
        tuple(_described(item) for item in items),
        tuple(tuple(i.slug for i in _replication_family(item, replications, by_slug)) for item in items),
        tuple((key, tuple(i.slug for i in members)) for key, members in sorted(by_sector.items())),
    )


def _described(item: Innovation) -> Described:
    category = item.category.key if item.category else ""
    return Described(f"{item.title} {item.summary}", item.tags, tuple(s.key for s in item.sectors), category)


def compute(
    items: Sequence[Innovation],
    replications: Mapping[str, Iterable[Replication]],
    by_sector: Mapping[str, Sequence[Innovation]],
    limit: int = LIMIT,
    store: Cache | None = None,
) -> dict[str, tuple[Innovation, ...]]:
    """Up to ``limit`` related profiles for every profile, by slug; ``store`` remembers
    the choice under a hash of its :class:`Inputs`."""
    given = inputs(items, replications, by_sector)
    key = f"{given.digest()}-{limit}"
    chosen = store.get_objects(CACHE_TABLE, [key]).get(key) if store else None
    if chosen is None:
        chosen = choose(given, limit)
        if store:
            store.put_objects(CACHE_TABLE, {key: chosen})
    by_slug = {item.slug: item for item in items}
    return {slug: tuple(by_slug[other] for other in others) for slug, others in chosen.items()}


def choose(given: Inputs, limit: int = LIMIT) -> dict[str, tuple[str, ...]]:
    """Up to ``limit`` related profiles (slugs) for every profile.

    Wherever candidates tie, those nearest the profile in the catalogue's order win, not
    the first in that order: else a few profiles at the start of every sector would be
    "related" to thousands (at 30,000 profiles one was to 10,000), which helps no reader,
    and an edit to one of them would render all those pages again.
    """
    features = [described.features() for described in given.described]
    index: dict[Feature, list[int]] = defaultdict(list)
    for position, found in enumerate(features):
        for feature in found:
            index[feature].append(position)
    sectors = _sector_places(given)
    related: dict[str, tuple[str, ...]] = {}
    for position, slug in enumerate(given.slugs):
        shortlist = (given.slugs[o] for o in _shortlist(position, features, index, limit))
        chosen = _unique(chain(given.families[position], shortlist), exclude=slug, limit=limit)
        if len(chosen) < limit:
            near = (given.slugs[o] for key in given.described[position].sectors for o in sectors[key].near(position))
            chosen = _unique(chain(chosen, near), exclude=slug, limit=limit)
        related[slug] = tuple(chosen)
    return related


class _Members(NamedTuple):
    """A sector's profiles, by position in the catalogue, in order."""

    positions: list[int]

    def near(self, position: int) -> Iterator[int]:
        """The sector's profiles, nearest ``position`` first, before and after in turn, as
        ties go (round the ends of the list; the caller drops repeats and the profile itself)."""
        members, count = self.positions, len(self.positions)
        before, after = bisect.bisect_left(members, position) - 1, bisect.bisect_right(members, position)
        for step in range(count):
            yield members[(before - step // 2) % count] if step % 2 == 0 else members[(after + step // 2) % count]


def _sector_places(given: Inputs) -> dict[str, _Members]:
    place = {slug: position for position, slug in enumerate(given.slugs)}
    listed = {key: _Members(sorted(place[slug] for slug in slugs)) for key, slugs in given.by_sector}
    return defaultdict(lambda: _Members([]), listed)


def _shortlist(
    position: int, features: Sequence[set[Feature]], index: Mapping[Feature, list[int]], limit: int
) -> list[int]:
    """The best-scoring other profiles for the profile at ``position``, best first.

    Rare features (held by at most MAX_HOLDERS profiles) find the candidates,
    so the work per profile is bounded whatever the catalogue's size; the
    common ones only rank the few best candidates. Ties go to the profile
    nearest in the catalogue's order (then the one before it), so the result
    is stable and no profile wins every tie.
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
    best = heapq.nsmallest(limit * 4, scores, key=lambda o: (-scores[o], abs(o - position), o))
    final = {o: scores[o] + sum(WEIGHT[f[0]] for f in common if f in features[o]) for o in best}
    return sorted(best, key=lambda o: (-final[o], abs(o - position), o))


def _replication_family(
    item: Innovation, replications: Mapping[str, Iterable[Replication]], by_slug: Mapping[str, Innovation]
) -> list[Innovation]:
    family = [by_slug[item.replicated_from]] if item.replicated_from in by_slug else []
    family += [r.innovation for r in replications.get(item.slug, ()) if r.innovation is not None]
    return family


def _unique(candidates: Iterable[str], exclude: str, limit: int) -> list[str]:
    """The first ``limit`` distinct slugs of ``candidates`` other than ``exclude``."""
    seen = {exclude}
    chosen: list[str] = []
    for candidate in candidates:
        if candidate in seen:
            continue
        seen.add(candidate)
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    return chosen

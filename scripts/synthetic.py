"""Synthetic catalogues for benchmarks and scale tests; never shipped as content.

``generate(out, profiles, seed)`` writes a complete content tree that passes
every content rule: ``site.yml``, the real taxonomies and static pages (copied
from ``content/``), agencies spread over all 38 provinces (about one per eight
profiles) and profiles with a realistic mix of fields and Indonesian-like
bodies (400 to 900 words under the six section headings). The text need not
mean anything, but it uses the words people search for (pelayanan, layanan,
kesehatan, sekolah, puskesmas, perizinan, kependudukan, ...).

The same (profiles, seed) always gives byte-identical files: every choice comes
from one ``random.Random(seed)``, never from the clock or the global generator.

Run from the repository root:

    .venv/bin/python scripts/synthetic.py --profiles 3000 --out /tmp/syn3000
    .venv/bin/python scripts/synthetic.py --profiles 30000 --out /tmp/syn30000 --seed 7
    .venv/bin/python build.py check --content /tmp/syn3000

The output folder must not exist or must be empty.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "content"
TAXONOMIES = ("sectors", "categories", "awards", "provinces")
SECTIONS = ("Latar Belakang", "Inovasi", "Dampak", "Sumber Daya", "Keberlanjutan", "Replikasi")
SECTION_SHARE = (0.19, 0.24, 0.16, 0.13, 0.13, 0.15)
MIN_WORDS, MAX_WORDS = 400, 900
FIRST_UPDATED, LAST_UPDATED = dt.date(2023, 1, 1), dt.date(2026, 10, 31)
PROVINCE_COUNT = 38
MAX_REGENCIES = 500

# libyaml's emitter is several times faster; the pure-Python one is the fallback.
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# --- vocabulary ------------------------------------------------------------------------------------

PLACE_PREFIXES = (
    "Tanjung", "Sungai", "Bukit", "Muara", "Pulau", "Tanah", "Batu", "Air", "Padang", "Teluk", "Lubuk",
    "Kuala", "Gunung", "Sumber", "Rawa", "Koto", "Sido", "Karang", "Pematang", "Labuhan", "Danau", "Ujung",
    "Pagar", "Sei",
)  # fmt: skip
PLACE_ROOTS = (
    "Jaya", "Makmur", "Sari", "Indah", "Baru", "Mulya", "Raya", "Asri", "Agung", "Harapan", "Lestari",
    "Sejahtera", "Mekar", "Rejo", "Mas", "Putih", "Merah", "Hijau", "Tinggi", "Panjang", "Rata", "Emas",
    "Permai", "Damai", "Kencana", "Timur", "Barat", "Selatan", "Utara", "Tengah", "Laut", "Datar", "Besar",
    "Pinang", "Kelapa", "Bambu", "Duri", "Wangi", "Bening", "Kembang",
)  # fmt: skip

# (key, name, short name, type, sector it mostly works in or "")
NATIONAL = (
    ("kemenkes", "Kementerian Kesehatan", "Kemenkes", "kementerian", "kesehatan"),
    ("kemendagri", "Kementerian Dalam Negeri", "Kemendagri", "kementerian", "administrasi-kependudukan"),
    ("kemenpanrb", "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", "Kementerian PANRB",
     "kementerian", ""),
    ("kemendikdasmen", "Kementerian Pendidikan Dasar dan Menengah", "Kemendikdasmen", "kementerian", "pendidikan"),
    ("kemnaker", "Kementerian Ketenagakerjaan", "Kemnaker", "kementerian", "ketenagakerjaan"),
    ("kemensos", "Kementerian Sosial", "Kemensos", "kementerian", "sosial"),
    ("klh", "Kementerian Lingkungan Hidup", "KLH", "kementerian", "lingkungan-hidup"),
    ("kemenkeu", "Kementerian Keuangan", "Kemenkeu", "kementerian", "pendapatan-daerah"),
    ("bnpb", "Badan Nasional Penanggulangan Bencana", "BNPB", "lembaga", "layanan-darurat"),
    ("bps", "Badan Pusat Statistik", "BPS", "lembaga", ""),
    ("polri", "Kepolisian Negara Republik Indonesia", "Polri", "lembaga", "keamanan-dan-ketertiban"),
    ("bpjs-kesehatan", "Badan Penyelenggara Jaminan Sosial Kesehatan", "BPJS Kesehatan", "lembaga", "kesehatan"),
    ("ombudsman", "Ombudsman Republik Indonesia", "Ombudsman RI", "lembaga", ""),
    ("basarnas", "Badan Nasional Pencarian dan Pertolongan", "Basarnas", "lembaga", "layanan-darurat"),
    ("kementerian-investasi", "Kementerian Investasi dan Hilirisasi", "Kementerian Investasi", "kementerian",
     "perizinan-dan-pelayanan-terpadu"),
    ("pos-indonesia", "PT Pos Indonesia (Persero)", "Pos Indonesia", "bumn", ""),
)  # fmt: skip

# (key prefix, name before the regency, short name before the place, type, sector)
UNITS = (
    ("dinkes", "Dinas Kesehatan", "Dinkes", "lainnya", "kesehatan"),
    ("disdik", "Dinas Pendidikan", "Disdik", "lainnya", "pendidikan"),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "lainnya",
     "administrasi-kependudukan"),
    ("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", "lainnya",
     "perizinan-dan-pelayanan-terpadu"),
    ("dinsos", "Dinas Sosial", "Dinsos", "lainnya", "sosial"),
    ("dlh", "Dinas Lingkungan Hidup", "DLH", "lainnya", "lingkungan-hidup"),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD", "lainnya", "layanan-darurat"),
    ("bapenda", "Badan Pendapatan Daerah", "Bapenda", "lainnya", "pendapatan-daerah"),
    ("disnaker", "Dinas Tenaga Kerja", "Disnaker", "lainnya", "ketenagakerjaan"),
    ("satpol-pp", "Satuan Polisi Pamong Praja", "Satpol PP", "lainnya", "keamanan-dan-ketertiban"),
    ("perumda-air-minum", "Perumda Air Minum", "PDAM", "bumd", "lingkungan-hidup"),
)  # fmt: skip

# Per sector: words for titles, and objects for sentences (also used as tags).
SECTOR_TITLE = {
    "administrasi-kependudukan": ("Akta", "Adminduk", "Dukcapil", "KTP", "Kependudukan", "Kartu Keluarga"),
    "kesehatan": ("Sehat", "Puskesmas", "Bunda", "Gizi", "Posyandu", "Imunisasi", "Kesehatan"),
    "ketenagakerjaan": ("Kerja", "Pencari Kerja", "Pelatihan", "Pekerja", "Loker"),
    "keamanan-dan-ketertiban": ("Aman", "Ronda", "Tertib", "Patroli", "Lingkungan Aman"),
    "layanan-darurat": ("Siaga", "Darurat", "Tanggap Bencana", "Ambulans", "Damkar"),
    "lingkungan-hidup": ("Sampah", "Hijau", "Air Bersih", "Bank Sampah", "Lestari"),
    "pendapatan-daerah": ("Pajak", "Samsat", "Retribusi", "PBB", "Pajak Daerah"),
    "pendidikan": ("Sekolah", "Belajar", "Literasi", "Guru", "Pintar", "Beasiswa"),
    "perizinan-dan-pelayanan-terpadu": ("Izin", "Perizinan", "Satu Pintu", "Mal Pelayanan", "Izin Usaha"),
    "sosial": ("Peduli", "Bantuan Sosial", "Lansia", "Disabilitas", "Keluarga Sejahtera"),
}
SECTOR_OBJECTS = {
    "administrasi-kependudukan": ("akta kelahiran", "kartu keluarga", "KTP elektronik", "data kependudukan",
                                  "akta kematian", "kartu identitas anak", "dokumen kependudukan"),
    "kesehatan": ("pemeriksaan ibu hamil", "imunisasi anak", "rujukan pasien", "layanan puskesmas", "gizi balita",
                  "posyandu", "deteksi dini penyakit", "pelayanan kesehatan", "antrean rumah sakit"),
    "ketenagakerjaan": ("pelatihan kerja", "informasi lowongan", "kartu pencari kerja", "perlindungan pekerja",
                        "balai latihan kerja"),
    "keamanan-dan-ketertiban": ("ronda warga", "pengaduan keamanan", "patroli lingkungan", "ketertiban pasar",
                                "penerangan jalan"),
    "layanan-darurat": ("panggilan darurat", "ambulans desa", "penanganan bencana", "pemadam kebakaran",
                        "evakuasi warga", "peringatan dini banjir"),
    "lingkungan-hidup": ("bank sampah", "pemilahan sampah", "pengolahan sampah", "air bersih", "penghijauan",
                         "kualitas udara"),
    "pendapatan-daerah": ("pajak kendaraan", "pajak bumi dan bangunan", "retribusi pasar", "layanan samsat",
                          "pembayaran pajak daerah"),
    "pendidikan": ("sekolah dasar", "beasiswa siswa", "literasi anak", "pendaftaran sekolah", "guru kunjung",
                   "perpustakaan keliling", "anak putus sekolah"),
    "perizinan-dan-pelayanan-terpadu": ("perizinan usaha", "persetujuan bangunan gedung", "mal pelayanan publik",
                                        "pelayanan terpadu satu pintu", "izin usaha mikro"),
    "sosial": ("bantuan sosial", "data penduduk miskin", "pendampingan lansia", "layanan disabilitas",
               "perlindungan anak", "rumah layak huni"),
}  # fmt: skip
GENERIC_TITLE = ("Pelayanan", "Warga", "Layanan Publik")
GENERIC_OBJECTS = ("pelayanan publik", "layanan warga", "pengaduan masyarakat", "data layanan", "antrean loket")

PROGRAMS = (
    "Layanan", "Gerakan", "Sistem", "Program", "Aplikasi", "Gerai", "Pojok", "Rumah", "Kampung", "Klinik", "Pos",
    "Sahabat", "Satu Data", "Jemput Bola", "Sentra",
)  # fmt: skip
MODIFIERS = (
    "Keliling", "Terpadu", "Daring", "Cepat", "Mandiri", "Ramah", "Pintar", "Digital", "Tanggap", "Bersama",
    "Prima", "Malam", "Desa", "Inklusif",
)  # fmt: skip
SUBJECTS = (
    "petugas puskesmas", "warga desa", "pemerintah daerah", "tim inovasi", "kader posyandu", "masyarakat",
    "pelaku usaha", "siswa sekolah", "aparatur kelurahan", "petugas loket", "perangkat desa", "relawan",
    "dinas terkait", "kepala sekolah", "petugas lapangan", "camat dan lurah",
)  # fmt: skip
VERBS = (
    "melayani", "mendata", "memeriksa", "mengurus", "memantau", "memperbaiki", "mempercepat", "menyederhanakan",
    "mengembangkan", "mendampingi", "mencatat", "mengantarkan", "menjangkau", "mengawasi", "membuka",
    "mengelola", "menyatukan", "memudahkan",
)  # fmt: skip
COMPLEMENTS = (
    "secara daring", "tanpa biaya", "di kantor kecamatan", "setiap hari kerja", "melalui aplikasi",
    "dengan jemput bola", "bersama perangkat desa", "dalam waktu satu hari", "sampai ke rumah warga",
    "di balai desa", "dengan lebih cepat", "tanpa antrean panjang", "bagi kelompok rentan", "di sekolah",
    "melalui layanan pesan", "di mal pelayanan publik", "pada malam hari", "dengan data yang terpadu",
)  # fmt: skip
CONNECTORS = (
    "Sejak itu,", "Selain itu,", "Karena itu,", "Pada awalnya,", "Kini", "Setiap bulan,", "Dengan cara ini,",
    "Di lapangan,", "Sebelumnya,", "Menurut laporan dinas,", "Dalam praktiknya,",
)  # fmt: skip
STATES = (
    "kini lebih cepat dan murah", "masih sulit dijangkau", "sering tertunda berminggu-minggu",
    "membutuhkan banyak dokumen", "menjadi keluhan utama warga", "kini bisa diurus dari rumah",
    "dilayani tanpa biaya", "menjadi lebih tertib", "tercatat dalam satu basis data",
)  # fmt: skip
FEATURES = (
    "Pendaftaran daring", "Layanan jemput bola", "Notifikasi pesan singkat", "Loket terpadu", "Kunjungan rumah",
    "Pusat data bersama", "Pengaduan 24 jam", "Antrean digital", "Pelayanan akhir pekan", "Kartu layanan",
)  # fmt: skip
RESOURCES = (
    "Petugas pelayanan yang dilatih khusus", "Anggaran APBD untuk operasional", "Kendaraan layanan keliling",
    "Server dan aplikasi pendataan", "Relawan dan kader di tingkat desa", "Ruang layanan di kantor kecamatan",
    "Kerja sama dengan puskesmas dan sekolah", "Formulir dan papan informasi",
)  # fmt: skip
TAGS = (
    "pelayanan publik", "jemput bola", "layanan daring", "antrean", "kependudukan", "perizinan", "puskesmas",
    "sekolah", "posyandu", "stunting", "pajak daerah", "samsat", "sampah", "bencana", "disabilitas", "lansia",
    "perempuan", "anak", "desa", "UMKM", "digital", "transparansi", "pengaduan", "inklusif", "kesehatan ibu",
    "literasi", "air bersih", "kolaborasi", "data terpadu", "layanan malam",
)  # fmt: skip
METRICS = (
    ("Waktu penyelesaian layanan", "hari"), ("Warga terlayani per bulan", "orang"), ("Cakupan layanan", "persen"),
    ("Pengaduan yang diselesaikan", "pengaduan"), ("Indeks kepuasan masyarakat", "persen"),
    ("Biaya yang dikeluarkan warga", "rupiah"), ("Dokumen yang diterbitkan", "dokumen"),
)  # fmt: skip
GIVEN_NAMES = ("Siti", "Agus", "Dewi", "Budi", "Rina", "Made", "Nyoman", "Andi", "Fitri", "Yusuf", "Ratna", "Hendra")
FAMILY_NAMES = ("Rahmawati", "Santoso", "Saputra", "Lestari", "Hidayat", "Siregar", "Nasution", "Wijaya", "Pratama")


# --- the plan: agencies and profiles ---------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    key: str
    name: str
    short_name: str
    type: str
    province: str = ""
    regency: str = ""
    parent: str = ""
    sector: str = ""
    website: bool = False

    @property
    def place(self) -> str:
        """The place a title names: the regency, the province, or the national body itself."""
        if self.type == "provinsi":
            return self.name.removeprefix("Pemerintah Provinsi ")
        return self.regency or self.short_name

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name, "short_name": self.short_name, "type": self.type}
        if self.province:
            doc["province"] = self.province
        if self.regency:
            doc["regency"] = self.regency
        if self.website:
            doc["website"] = f"https://example.org/instansi/{self.key}/"
        if self.parent:
            doc["parent"] = self.parent
        return doc


@dataclass(frozen=True)
class Taxonomies:
    sectors: list[str]
    categories: list[str]
    awards: list[str]
    provinces: dict[str, str]  # code -> name


@dataclass(frozen=True)
class Stub:
    """What other profiles need to know of a profile before it is written."""

    slug: str
    title: str
    agency: Agency
    sectors: list[str]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_taxonomies(source: Path = SOURCE) -> Taxonomies:
    def keys(name: str) -> dict[str, Any]:
        data = yaml.safe_load((source / "taxonomies" / f"{name}.yml").read_text(encoding="utf-8"))
        return dict(sorted(data.items()))

    provinces = {code: str(value["name"]) for code, value in keys("provinces").items()}
    return Taxonomies(sorted(keys("sectors")), sorted(keys("categories")), sorted(keys("awards")), provinces)


def place_names(rng: Random) -> list[str]:
    names = [f"{prefix} {root}" for prefix in PLACE_PREFIXES for root in PLACE_ROOTS]
    rng.shuffle(names)
    return names


def make_agencies(rng: Random, tax: Taxonomies, profiles: int) -> list[Agency]:
    """Provinces, national bodies, kabupaten/kota and their units: about one agency per eight profiles."""
    total = max(profiles // 8, 60)
    national = min(len(NATIONAL), max(3, total // 40))
    remaining = total - PROVINCE_COUNT - national
    regencies = min(MAX_REGENCIES, max(remaining * 2 // 3, 1))
    agencies = [_provincial(code, name, rng) for code, name in tax.provinces.items()]
    agencies += [_national(row, tax, rng) for row in NATIONAL[:national]]
    local = _regencies(rng, tax, regencies)
    agencies += local
    agencies += _units(rng, tax, local, remaining - regencies)
    return sorted(agencies, key=lambda a: a.key)


def _provincial(code: str, name: str, rng: Random) -> Agency:
    return Agency(
        f"pemprov-{slugify(name)}", f"Pemerintah Provinsi {name}", f"Pemprov {name}", "provinsi", code,
        website=rng.random() < 0.7,
    )  # fmt: skip


def _national(row: tuple[str, str, str, str, str], tax: Taxonomies, rng: Random) -> Agency:
    key, name, short, kind, sector = row
    return Agency(key, name, short, kind, sector=sector if sector in tax.sectors else "", website=rng.random() < 0.8)


def _regencies(rng: Random, tax: Taxonomies, count: int) -> list[Agency]:
    codes = sorted(tax.provinces)
    result: list[Agency] = []
    for i, place in enumerate(place_names(rng)[:count]):
        # Every province gets regencies; the rest go anywhere.
        code = codes[i] if i < len(codes) else rng.choice(codes)
        if rng.random() < 0.72:
            key, name, short, kind = f"pemkab-{slugify(place)}", f"Kabupaten {place}", f"Pemkab {place}", "kabupaten"
        else:
            key, name, short, kind = f"pemkot-{slugify(place)}", f"Kota {place}", f"Pemkot {place}", "kota"
        result.append(Agency(key, f"Pemerintah {name}", short, kind, code, place, website=rng.random() < 0.5))
    return result


def _units(rng: Random, tax: Taxonomies, regencies: list[Agency], count: int) -> list[Agency]:
    """Agencies of a kabupaten or kota: dinas, badan, perumda, puskesmas."""
    result: list[Agency] = []
    taken: set[str] = set()
    places = place_names(rng)
    while len(result) < count:
        parent = rng.choice(regencies)
        seat = "Kabupaten" if parent.type == "kabupaten" else "Kota"
        prefix, name, short, kind, sector = rng.choice(UNITS)
        key = f"{prefix}-{slugify(parent.regency)}"
        if key in taken:
            district = rng.choice(places)
            key = f"puskesmas-{slugify(district)}-{slugify(parent.regency)}"
            name, short, kind, sector = (
                f"Puskesmas Kecamatan {district}",
                f"Puskesmas {district}",
                "lainnya",
                "kesehatan",
            )
            seat = ""
        if key in taken:
            continue
        taken.add(key)
        full = f"{name} {seat} {parent.regency}" if seat else name
        result.append(
            Agency(
                key, full, f"{short} {parent.regency}" if seat else short, kind, parent.province, parent.regency,
                parent.key, sector if sector in tax.sectors else "", rng.random() < 0.3,
            )
        )  # fmt: skip
    return result


def make_stubs(rng: Random, tax: Taxonomies, agencies: list[Agency], profiles: int) -> list[Stub]:
    """Title, slug, agency and sectors of every profile; every agency gets at least one when possible."""
    order = list(agencies)
    rng.shuffle(order)
    titles: set[str] = set()
    slugs: set[str] = set()
    stubs: list[Stub] = []
    for i in range(profiles):
        agency = order[i] if i < len(order) else rng.choice(agencies)
        sectors = _sectors(rng, tax, agency)
        title = _title(rng, agency, sectors[0], titles)
        slug = _slug(title, slugs)
        titles.add(title)
        slugs.add(slug)
        stubs.append(Stub(slug, title, agency, sectors))
    return stubs


def _sectors(rng: Random, tax: Taxonomies, agency: Agency) -> list[str]:
    count = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
    chosen = rng.sample(tax.sectors, count)
    if agency.sector and agency.sector not in chosen and rng.random() < 0.8:
        chosen = [agency.sector, *chosen[: count - 1]]
    return chosen


def _title(rng: Random, agency: Agency, sector: str, taken: set[str]) -> str:
    topic = rng.choice(SECTOR_TITLE.get(sector, GENERIC_TITLE))
    title = f"{rng.choice(PROGRAMS)} {topic} {rng.choice(MODIFIERS)} {agency.place}"
    number = 2
    candidate = title
    while candidate in taken:
        candidate = f"{title} {number}"
        number += 1
    return candidate


def _slug(title: str, taken: set[str]) -> str:
    # 68 characters leave room for a "-N" suffix and, in an alias, for "-lama": both stay within 80.
    base = slugify(title)[:68].strip("-")
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


# --- one profile ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """Everything one profile's text is made from."""

    stub: Stub
    index: int
    place: str
    province: str
    updated: dt.date
    started_year: int
    objects: tuple[str, ...]
    origin: Stub | None


def profile(rng: Random, tax: Taxonomies, stubs: list[Stub], agencies: list[Agency], index: int) -> str:
    """The whole file of profile ``index``: front matter and body."""
    stub = stubs[index]
    updated = _date_between(rng, FIRST_UPDATED, LAST_UPDATED)
    started = _started(rng, updated)
    started_year = started if isinstance(started, int) else started.year if started else 0
    province, location = _location(rng, tax, stub.agency)
    objects = tuple(o for s in stub.sectors for o in SECTOR_OBJECTS.get(s, GENERIC_OBJECTS)) + GENERIC_OBJECTS
    place = stub.agency.regency or tax.provinces.get(province, "Indonesia")
    origin = stubs[rng.randrange(index)] if index and rng.random() < 0.1 else None
    ctx = Context(stub, index, place, province, updated, started_year, objects, origin)
    front = _front_matter(rng, tax, agencies, ctx, started, location)
    body = body_text(rng, ctx, stubs, front)
    dumped = yaml.dump(front, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{dumped}---\n{body}"


def _date_between(rng: Random, first: dt.date, last: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def _started(rng: Random, updated: dt.date) -> int | dt.date | None:
    if rng.random() >= 0.8:
        return None
    year = rng.randint(2005, min(2024, updated.year))
    if rng.random() < 0.25:
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        if day <= updated:
            return day
    return year


def _location(rng: Random, tax: Taxonomies, agency: Agency) -> tuple[str, dict[str, str] | None]:
    """The profile's province and its ``location`` field, if it needs one."""
    if not agency.province:
        if rng.random() < 0.5:
            code = rng.choice(sorted(tax.provinces))
            return code, {"province": code}
        return "", None
    if rng.random() < 0.1:
        location = {"province": agency.province}
        if agency.regency:
            location["regency"] = agency.regency
        return agency.province, location
    return agency.province, None


def _front_matter(
    rng: Random,
    tax: Taxonomies,
    agencies: list[Agency],
    ctx: Context,
    started: int | dt.date | None,
    location: dict[str, str] | None,
) -> dict[str, Any]:
    """Fields in the order of the content model; optional ones only some of the time."""
    stub = ctx.stub
    optional = {
        "unit": _unit(rng, ctx) if rng.random() < 0.4 else None,
        "location": location,
        "category": rng.choice(tax.categories) if rng.random() < 0.5 else None,
        "started": started,
        "awards": _awards(rng, tax, ctx) if rng.random() < 0.15 else None,
        "replicated_from": ctx.origin.slug if ctx.origin else None,
        "replicated_by": _replicated_by(rng, agencies, ctx) if rng.random() < 0.08 else None,
        "innovator": _innovator(rng, stub) if rng.random() < 0.25 else None,
        "outcomes": _outcomes(rng, ctx) if rng.random() < 0.35 else None,
        "legal_basis": _legal_basis(rng, ctx) if rng.random() < 0.3 else None,
        "video": f"https://example.org/video/{stub.slug}/" if rng.random() < 0.05 else None,
        "sdgs": sorted(rng.sample(range(1, 18), rng.randint(1, 3))) if rng.random() < 0.5 else None,
        "tags": _tags(rng, ctx) if rng.random() < 0.85 else None,
        "links": _links(rng, ctx) if rng.random() < 0.6 else None,
        "contact": _contact(rng, stub.agency) if rng.random() < 0.45 else None,
        "aliases": [f"{stub.slug}-lama"] if rng.random() < 0.02 else None,
    }
    front: dict[str, Any] = {"title": stub.title, "summary": _summary(rng, ctx), "agency": stub.agency.key}
    for name in ("unit", "location"):
        if optional[name] is not None:
            front[name] = optional[name]
    front["sectors"] = stub.sectors
    for name in ("category", "started"):
        if optional[name] is not None:
            front[name] = optional[name]
    front["status"] = rng.choices(("active", "pilot", "discontinued"), weights=(80, 12, 8))[0]
    front.update((name, value) for name, value in optional.items() if value is not None and name not in front)
    front["updated"] = ctx.updated
    return front


def _summary(rng: Random, ctx: Context) -> str:
    agency = ctx.stub.agency
    text = (
        f"{agency.short_name} {rng.choice(VERBS)} {rng.choice(ctx.objects)} {rng.choice(COMPLEMENTS)} di {ctx.place}."
    )
    while len(text) < 120:
        extra = sentence(rng, ctx)[0]
        if len(text) + 1 + len(extra) > 300:
            break
        text = f"{text} {extra}"
    return text


def _unit(rng: Random, ctx: Context) -> str:
    kind = rng.choice(("Unit Pelayanan Terpadu", "Puskesmas Kecamatan", "Mal Pelayanan Publik", "Bagian Organisasi"))
    return f"{kind} {ctx.place}"


def _awards(rng: Random, tax: Taxonomies, ctx: Context) -> list[dict[str, Any]]:
    high = min(ctx.updated.year, 2025)
    low = min(max(ctx.started_year, 2014), high)
    keys = rng.sample(tax.awards, min(len(tax.awards), rng.choices((1, 2), weights=(75, 25))[0]))
    awards = [{"award": key, "year": rng.randint(low, high)} for key in keys]
    if rng.random() < 0.2:
        awards[0]["note"] = f"Dipilih dari inovasi {ctx.place} dan daerah lain."
    return sorted(awards, key=lambda a: (a["year"], a["award"]))


def _replicated_by(rng: Random, agencies: list[Agency], ctx: Context) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 3)):
        other = rng.choice(agencies)
        if other.key != ctx.stub.agency.key and rng.random() < 0.5:
            entry: dict[str, Any] = {"agency": other.key}
        else:
            entry = {"name": f"Pemerintah Kabupaten {rng.choice(PLACE_PREFIXES)} {rng.choice(PLACE_ROOTS)}"}
        if rng.random() < 0.7:
            entry["year"] = rng.randint(max(ctx.started_year, 2010), ctx.updated.year)
        entries.append(entry)
    return entries


def _innovator(rng: Random, stub: Stub) -> str:
    if rng.random() < 0.5:
        return f"Tim Inovasi {stub.agency.short_name}"
    return f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}"


def _outcomes(rng: Random, ctx: Context) -> list[dict[str, Any]]:
    outcomes: list[dict[str, Any]] = []
    for n, (metric, unit) in enumerate(rng.sample(METRICS, rng.randint(1, 3)), start=1):
        before = rng.randint(5, 60) if unit in {"persen", "hari"} else rng.randint(100, 5000)
        after = max(1, before // rng.randint(2, 5)) if unit in {"hari", "rupiah"} else before + rng.randint(5, 400)
        outcome: dict[str, Any] = {"metric": f"{metric} di {ctx.place}"}
        if rng.random() < 0.7:
            outcome["before"] = before
        outcome["after"] = min(after, 100) if unit == "persen" else after
        outcome["unit"] = unit
        if rng.random() < 0.6:
            outcome["year"] = rng.randint(max(ctx.started_year, 2015), ctx.updated.year)
        if rng.random() < 0.5:
            outcome["source"] = f"https://example.org/data/{ctx.stub.slug}/{n}"
        outcomes.append(outcome)
    return outcomes


def _legal_basis(rng: Random, ctx: Context) -> list[str]:
    year = rng.randint(max(ctx.started_year, 2010), ctx.updated.year)
    head = "Bupati" if ctx.stub.agency.type == "kabupaten" else "Wali Kota"
    options = [
        f"Peraturan {head} {ctx.place} Nomor {rng.randint(1, 80)} Tahun {year}",
        f"Keputusan Kepala Dinas Nomor {rng.randint(100, 999)}/{rng.randint(1, 99)}/{year}",
        f"Anggaran Pendapatan dan Belanja Daerah (APBD) {ctx.place} Tahun {year}",
    ]
    return rng.sample(options, rng.randint(1, 2))


def _tags(rng: Random, ctx: Context) -> list[str]:
    pool = sorted(set(TAGS) | set(ctx.objects))
    return rng.sample(pool, rng.randint(2, 6))


def _links(rng: Random, ctx: Context) -> list[dict[str, str]]:
    kinds = ("Berita", "Laporan", "Profil inovasi", "Siaran pers")
    return [
        {"title": f"{rng.choice(kinds)} {ctx.place}: {ctx.stub.title}", "url": f"https://example.org/berita/{ctx.stub.slug}-{n}"}
        for n in range(1, rng.randint(1, 3) + 1)
    ]  # fmt: skip


def _contact(rng: Random, agency: Agency) -> dict[str, str]:
    contact = {"name": f"Humas {agency.short_name}", "email": f"layanan{rng.randint(1, 99)}@{agency.key}.example.org"}
    if rng.random() < 0.6:
        contact["phone"] = f"+62 {rng.randint(21, 989)} {rng.randint(1000000, 9999999)}"
    return contact


# --- bodies -----------------------------------------------------------------------------------------


def count_words(text: str) -> int:
    """Words of a Markdown body: whitespace-separated tokens with at least one letter."""
    return len(WORD_RE.findall(text))


WORD_RE = re.compile(r"\S*[^\W\d_]\S*")


def pick(rng: Random, options: Sequence[str]) -> str:
    """``rng.choice`` without its rejection sampling: several times faster, still deterministic."""
    return options[int(rng.random() * len(options))]


def sentence(rng: Random, ctx: Context) -> tuple[str, int]:
    """One sentence and its number of words (the only digits are in the counted template)."""
    roll = rng.random()
    numbers = 0
    if roll < 0.45:
        connector = pick(rng, CONNECTORS) + " " if rng.random() < 0.4 else ""
        text = f"{connector}{pick(rng, SUBJECTS)} {pick(rng, VERBS)} {pick(rng, ctx.objects)} {pick(rng, COMPLEMENTS)}"
    elif roll < 0.7:
        text = f"layanan {pick(rng, ctx.objects)} di {ctx.place} {pick(rng, STATES)}"
    elif roll < 0.85:
        served = pick(rng, ("dilayani", "terbantu", "terdata"))
        text = f"sekitar {rng.randint(20, 4000)} warga {ctx.place} {served} {pick(rng, COMPLEMENTS)} setiap bulan"
        numbers = 1
    else:
        who = ctx.stub.agency.short_name
        text = f"menurut {who}, {pick(rng, SUBJECTS)} {pick(rng, VERBS)} warga {pick(rng, COMPLEMENTS)}"
    return text[0].upper() + text[1:] + ".", text.count(" ") + 1 - numbers


def paragraph(rng: Random, ctx: Context, words: int) -> tuple[str, int]:
    parts: list[str] = []
    count = 0
    while count < words:
        text, n = sentence(rng, ctx)
        parts.append(text)
        count += n
    return " ".join(parts), count


def section(rng: Random, ctx: Context, budget: int) -> tuple[list[str], int]:
    """Paragraphs of prose worth about ``budget`` words."""
    blocks: list[str] = []
    total = 0
    while total < budget:
        text, count = paragraph(rng, ctx, min(budget - total, rng.randint(40, 90)))
        blocks.append(text)
        total += count
    return blocks, total


def body_text(rng: Random, ctx: Context, stubs: list[Stub], front: dict[str, Any]) -> str:
    """Six sections of prose with lists, a table now and then, and links in and out of the site."""
    extras = {
        "Latar Belakang": _background_links(rng, ctx),
        "Inovasi": _bullets(rng, ctx, FEATURES) if rng.random() < 0.6 else [],
        "Dampak": _impact(rng, ctx, front),
        "Sumber Daya": _bullets(rng, ctx, RESOURCES) if rng.random() < 0.5 else [],
        "Keberlanjutan": _sustainability(rng, front),
        "Replikasi": _replication(rng, ctx, stubs),
    }
    extra_words = sum(count_words(block) for blocks in extras.values() for block in blocks)
    # Each section overshoots its share by at most one sentence: stay clear of both limits.
    prose = max(rng.randint(MIN_WORDS + 40, MAX_WORDS - 100) - extra_words - 12, 60)
    out: list[str] = []
    for heading, share in zip(SECTIONS, SECTION_SHARE, strict=True):
        blocks, _ = section(rng, ctx, max(int(prose * share), 8))
        out.append(f"## {heading}")
        out += blocks + extras[heading]
    return "\n\n".join(out) + "\n"


def _bullets(rng: Random, ctx: Context, labels: Sequence[str]) -> list[str]:
    items = [f"- **{label}.** {sentence(rng, ctx)[0]}" for label in rng.sample(labels, rng.randint(3, 5))]
    return ["\n".join(items)]


def _background_links(rng: Random, ctx: Context) -> list[str]:
    blocks: list[str] = []
    if rng.random() < 0.4:
        sector = ctx.stub.sectors[0]
        blocks.append(f"Data awal tersedia di [laporan sektor](https://example.org/data/{sector}/) dan halaman "
                      f"[sektor ini](/sektor/{sector}/).")  # fmt: skip
    if ctx.province and rng.random() < 0.3:
        blocks.append(f"Lihat juga inovasi lain di [provinsi ini](/provinsi/{ctx.province.lower()}/).")
    return blocks


def _impact(rng: Random, ctx: Context, front: dict[str, Any]) -> list[str]:
    blocks: list[str] = []
    outcomes = front.get("outcomes", [])
    if outcomes:
        lines = [
            f"- {o['metric']}: {o.get('before', 'belum tercatat')} menjadi {o['after']} {o['unit']}." for o in outcomes
        ]
        blocks.append("\n".join(lines))
    if rng.random() < 0.3:
        blocks.append(_table(rng, ctx))
    return blocks


def _table(rng: Random, ctx: Context) -> str:
    first = max(ctx.started_year, ctx.updated.year - 3)
    rows = ["| Tahun | Warga terlayani | Waktu layanan (hari) |", "| --- | ---: | ---: |"]
    served, days = rng.randint(200, 2000), rng.randint(7, 30)
    for year in range(first, min(first + 4, ctx.updated.year + 1)):
        rows.append(f"| {year} | {served} | {days} |")
        served, days = served + rng.randint(50, 900), max(1, days - rng.randint(1, 6))
    return "\n".join(rows)


def _sustainability(rng: Random, front: dict[str, Any]) -> list[str]:
    blocks = [f"Inovasi ini berjalan dengan dasar {rule}." for rule in front.get("legal_basis", [])]
    if rng.random() < 0.3:
        blocks.append(
            "Jika Anda mengetahui datanya, usulkan perubahan melalui [Cara Berkontribusi](/cara-berkontribusi/)."
        )
    return blocks


def _replication(rng: Random, ctx: Context, stubs: list[Stub]) -> list[str]:
    blocks: list[str] = []
    if ctx.origin:
        origin = ctx.origin
        blocks.append(
            f"Inovasi ini meniru [{origin.title}](/inovasi/{origin.slug}/), disesuaikan dengan kebutuhan warga."
        )
    if len(stubs) > 1 and rng.random() < 0.4:
        other = stubs[rng.randrange(len(stubs))]
        if other.slug != ctx.stub.slug:
            blocks.append(f"Bandingkan dengan [{other.title}](/inovasi/{other.slug}/).")
    if rng.random() < 0.3:
        blocks.append(f"Catatan lengkap ada di [laporan replikasi](https://example.org/replikasi/{ctx.stub.slug}/).")
    if rng.random() < 0.7:
        blocks.append("Baca juga [Panduan Replikasi](/panduan-replikasi/).")
    return blocks


# --- the tree ---------------------------------------------------------------------------------------

SITE = {
    "title": "Katalog Inovasi Sintetis",
    "description": (
        "Katalog sintetis untuk uji skala dan tolok ukur: profil inovasi pelayanan publik buatan mesin, "
        "bukan data nyata."
    ),
    "base_url": "https://example.org/",
    "language": "id",
    "nav": [{"title": "Inovasi", "path": "/inovasi/"}, {"title": "Cari", "path": "/cari/"}],
}


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def dump(data: dict[str, Any]) -> str:
    return str(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))


PROFILE_LINK = re.compile(r"\]\(/inovasi/[a-z0-9-]+/\)")


def generate(out: Path, profiles: int, seed: int = 0, source: Path = SOURCE) -> None:
    """Write a complete content tree of ``profiles`` profiles at ``out`` (missing or empty)."""
    if profiles < 1:
        raise ValueError("profiles must be at least 1")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty folder")
    rng = Random(seed)
    tax = load_taxonomies(source)
    for folder in ("taxonomies", "pages", "agencies", "innovations"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    write(out / "site.yml", dump(SITE))
    for name in TAXONOMIES:
        shutil.copyfile(source / "taxonomies" / f"{name}.yml", out / "taxonomies" / f"{name}.yml")
    for page in sorted((source / "pages").glob("*.md")):
        # The shipped profiles they link to are not in this catalogue: link the listing instead.
        text = PROFILE_LINK.sub("](/inovasi/)", page.read_text(encoding="utf-8"))
        write(out / "pages" / page.name, text)
    agencies = make_agencies(rng, tax, profiles)
    for agency in agencies:
        write(out / "agencies" / f"{agency.key}.yml", dump(agency.document()))
    stubs = make_stubs(rng, tax, agencies, profiles)
    for index, stub in enumerate(stubs):
        write(out / "innovations" / f"{stub.slug}.md", profile(rng, tax, stubs, agencies, index))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic content tree for benchmarks and scale tests.")
    parser.add_argument("--profiles", type=int, required=True, help="number of innovation profiles")
    parser.add_argument("--out", type=Path, required=True, help="output folder; must not exist or be empty")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        generate(args.out, args.profiles, args.seed)
    except (ValueError, FileExistsError) as problem:
        print(f"synthetic: {problem}", file=sys.stderr)
        return 2
    print(f"wrote {args.profiles} profiles to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Profile images: what is checked, what is published, and how.

An editor puts one picture per profile at ``content/media/<slug>/<src>`` and
names it in ``image.src``. This module owns everything about it, one function
per pipeline stage:

- ``check`` (check stage): the file is a real JPEG, PNG or WebP judged by its
  content, its extension agrees, it is at most 5 MB and 50 million pixels
  (a decompression bomb is refused from its header, before any pixel is
  decoded) and it is a still image. Any other file in ``content/media/`` is an
  error too: whatever a site publishes stays published, so clutter must not
  slip in unnoticed (like an unknown file anywhere else in ``content/``).
- ``describe`` (model stage, file headers only): the widths the picture is
  published in and their addresses, so templates know every size up front.
- ``render`` (write stage): the file is decoded once, turned upright by its
  EXIF orientation and converted to sRGB; then every width is written as WebP
  plus a fallback, and a copy goes to the original address that the open data
  links. No metadata survives (phone photos carry GPS positions) and the
  encoder settings are fixed, so two builds give the same bytes.

Animated images are refused rather than cut to their first frame: an editor
who sends an animation expects it to move, and a silent still would surprise
them; a moving picture that cannot be paused also fails WCAG 2.2.2.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from PIL import ExifTags, ImageCms, ImageFile, UnidentifiedImageError
from PIL import Image as Pillow

from . import routes
from .errors import ContentError
from .model import Image, ImageVariant
from .sources import Document, MediaFile, Sources

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 50_000_000
WIDTHS = (480, 960, 1440)
# A standard width this close to the picture's own (top) width adds a file but no sharpness.
NEAR_TOP = 0.9

# Pillow's name of each accepted format → the extensions its files may have. Files
# are opened as these formats only, so no other decoder ever reads an editor's file.
EXTENSIONS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "WEBP": ("webp",)}
_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
# Pillow calls a JPEG that carries extra pictures (a phone's depth map or large
# preview) MPO; its first picture is the photo, so it is a JPEG here.
_MPO = "MPO"

# Fixed encoder settings: the same pixels always give the same bytes.
VARIANT_QUALITY = 80
ORIGINAL_QUALITY = 90
_ENCODERS: dict[str, tuple[str, dict[str, Any]]] = {
    "jpg": ("JPEG", {"optimize": True, "progressive": True}),
    "jpeg": ("JPEG", {"optimize": True, "progressive": True}),
    "png": ("PNG", {"compress_level": 9}),
    "webp": ("WEBP", {"method": 4}),
}
_LOSSY = ("jpg", "jpeg", "webp")
MIME = {"jpg": "image/jpeg", "png": "image/png"}

_TRANSPOSE = {
    2: Pillow.Transpose.FLIP_LEFT_RIGHT,
    3: Pillow.Transpose.ROTATE_180,
    4: Pillow.Transpose.FLIP_TOP_BOTTOM,
    5: Pillow.Transpose.TRANSPOSE,
    6: Pillow.Transpose.ROTATE_270,
    7: Pillow.Transpose.TRANSVERSE,
    8: Pillow.Transpose.ROTATE_90,
}
_SIDEWAYS = (5, 6, 7, 8)

# What decoders raise on a damaged file (Pillow's own errors are OSError, SyntaxError or ValueError).
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)
_SMALLER = "export it smaller, e.g. 2000 pixels wide at JPEG quality 85"
_PIXELS_HINT = "an image may have at most 50 million pixels (8000 x 6000 is 48 million): scale it down"


# --- check stage ---------------------------------------------------------------------------


def check(sources: Sources, invalid: set[str]) -> list[ContentError]:
    """Every problem with profile images and media files, in one run.

    ``invalid`` names documents that failed earlier checks: their image is not
    judged and their media folder is left alone, so one broken profile gives
    one error, not one per picture.
    """
    files = {(m.slug, m.name): m for m in sources.media}
    folders: dict[str, list[str]] = {}
    for m in sources.media:
        folders.setdefault(m.slug, []).append(m.name)
    shown: dict[str, tuple[str, str]] = {}
    errors: list[ContentError] = []
    for doc in sources.of_kind("innovation"):
        if doc.display in invalid:
            continue
        src = doc.data.get("image", {}).get("src", "")
        shown[doc.key] = (doc.display, src)
        if src:
            errors += _profile_image(doc, src, files.get((doc.key, src)), folders.get(doc.key, []))
    # A folder whose profile is unreadable, or names a file it lacks, is judged at the profile.
    settled = {slug for slug, (_, src) in shown.items() if src and (slug, src) not in files}
    settled |= sources.keys("innovation") - shown.keys()
    for file in sources.media:
        if file.slug not in settled:
            errors += _unused(file, shown.get(file.slug))
    return errors


def _profile_image(doc: Document, src: str, file: MediaFile | None, folder: list[str]) -> list[ContentError]:
    """Problems of a profile's picture, reported at its ``image.src`` line."""
    line = doc.line_of(("image", "src"))
    if file is None:
        message = f"image not found: put the file at content/media/{doc.key}/{src}"
        if folder:
            message += f" (the folder holds {', '.join(folder)})"
        return [ContentError(doc.display, line, "image.src", message)]
    return [ContentError(doc.display, line, "image.src", message) for message in problems(file)]


def _unused(file: MediaFile, profile: tuple[str, str] | None) -> list[ContentError]:
    """A media file that no profile shows would be published for nothing."""
    if profile is None:
        message = (
            f"no profile uses this file: there is no content/innovations/{file.slug}.md; "
            "move the file to content/media/<slug>/ of its profile or delete it"
        )
    elif profile[1] == file.name:
        return []
    elif profile[1]:
        message = f"no profile uses this file: {profile[0]} shows {profile[1]}; delete it or name it in image.src"
    else:
        message = f"no profile uses this file: {profile[0]} has no image; name it in image.src or delete it"
    return [ContentError(file.display, 1, "", message)]


def problems(file: MediaFile) -> list[str]:
    """What is wrong with one image file, reading no more than needed: the size
    first (an oversized file is never opened), then the header (a bomb is never
    decoded), then every byte of the pixels (a truncated file shows only then)."""
    if file.size > MAX_BYTES:
        megabytes = file.size / (1024 * 1024)
        return [f"{file.display} is {megabytes:.1f} MB; an image may be at most 5 MB: {_SMALLER}"]
    try:
        with _open(file.path) as im:
            found = _header_problems(file, im)
        if not found:
            _decode(file.path)
    except Pillow.DecompressionBombError:
        limit = 2 * (Pillow.MAX_IMAGE_PIXELS or 0) // 1_000_000
        return [f"{file.display} has more than {limit} million pixels; {_PIXELS_HINT}"]
    except UnidentifiedImageError:
        return [f"{file.display} is not a JPEG, PNG or WebP image; save the picture in one of those formats"]
    except _DECODE_ERRORS:
        return [f"{file.display} is damaged or incomplete; save or export the picture again"]
    return found


def _header_problems(file: MediaFile, im: ImageFile.ImageFile) -> list[str]:
    found: list[str] = []
    kind = _kind(im)
    stem, _, extension = file.name.rpartition(".")
    if extension.lower() not in EXTENSIONS[kind]:
        right = f"{stem}.{EXTENSIONS[kind][0]}"
        found.append(
            f"{file.display} is a {_NAMES[kind]} image but its name ends in .{extension}; "
            f"rename it to {right} and write {right} in image.src"
        )
    width, height = im.size
    if width * height > MAX_PIXELS:
        found.append(f"{file.display} is {width} x {height} pixels; {_PIXELS_HINT}")
    frames = getattr(im, "n_frames", 1)
    if frames > 1 and im.format != _MPO:
        found.append(
            f"{file.display} is animated ({frames} frames); only still images are published: "
            "save one frame as JPEG, PNG or WebP"
        )
    _orientation(im)  # a broken EXIF block fails here, in the check, not halfway through a build
    return found


def _decode(path: Path) -> None:
    """Read every byte the way a build will; raise if the file is damaged."""
    with _open(path) as im:
        im.verify()  # PNG: every chunk's checksum, up to the end marker
    with _open(path) as im:
        if _kind(im) == "JPEG":
            im.draft(im.mode, (1, 1))  # decode at 1/8 scale: every byte is still read, 64 times fewer pixels
        im.load()


# --- model stage ---------------------------------------------------------------------------


def describer(media: Iterable[MediaFile]) -> Callable[[str, Image], Image]:
    """``describe`` for the media files of one content folder: (slug, image) → image."""
    paths = {(m.slug, m.name): m.path for m in media}
    return lambda slug, image: describe(paths[(slug, image.src)], slug, image)


def describe(path: Path, slug: str, image: Image) -> Image:
    """``image`` with the sizes and addresses it is published at, from the file's header only."""
    with _open(path) as im:
        width, height = im.size
        if _orientation(im) in _SIDEWAYS:
            width, height = height, width
        fallback = "png" if _may_be_transparent(im) else "jpg"
    variants = tuple(
        ImageVariant(
            w,
            max(1, round(height * w / width)),
            routes.media_variant(slug, image.src, w, "webp"),
            routes.media_variant(slug, image.src, w, fallback),
        )
        for w in widths(width)
    )
    original = routes.media(slug, image.src)
    return replace(image, file=path, original=original, fallback_type=MIME[fallback], variants=variants)


def widths(width: int) -> tuple[int, ...]:
    """The widths to publish a picture ``width`` pixels wide in: the standard ones
    below its own, then its own up to the largest standard one; never enlarged."""
    top = min(width, WIDTHS[-1])
    return (*(w for w in WIDTHS if w < top * NEAR_TOP), top)


# --- write stage ---------------------------------------------------------------------------


def outputs(image: Image) -> list[str]:
    """Every file ``render`` writes for ``image``, for the collision check."""
    return [image.original, *(path for v in image.variants for path in (v.webp, v.fallback))]


def render(image: Image) -> Iterator[tuple[str, bytes]]:
    """The published files of ``image`` as (path, bytes): the original address,
    then each variant as WebP and fallback, widest first, all from one decoding
    of the file; each width is resized from the one before it, which costs a
    fraction of resizing every width from the whole picture."""
    if image.file is None:
        raise ValueError(f"image {image.src} was not described; pass it through describe() first")
    with _open(image.file) as im:
        pixels = _upright_srgb(im, transparent=image.fallback_type == MIME["png"])
    yield image.original, _encode(pixels, image.src.rpartition(".")[2].lower(), ORIGINAL_QUALITY)
    for variant in reversed(image.variants):
        size = (variant.width, variant.height)
        if size != pixels.size:
            pixels = pixels.resize(size, Pillow.Resampling.LANCZOS, reducing_gap=3.0)
        yield variant.webp, _encode(pixels, "webp", VARIANT_QUALITY)
        yield variant.fallback, _encode(pixels, variant.fallback.rpartition(".")[2], VARIANT_QUALITY)


def _upright_srgb(im: ImageFile.ImageFile, transparent: bool) -> Pillow.Image:
    """The decoded pixels, upright, in sRGB, with no metadata left to copy into outputs."""
    orientation = _orientation(im)  # before load(), so it is the value describe() saw
    im.load()
    pixels = _to_srgb(im)
    if pixels.mode.startswith("I"):  # 16-bit grey: scaled to 8 bits (a plain conversion would clip it to white)
        pixels = pixels.convert("I").point(lambda value: value / 256)
        pixels = pixels.convert("L")
    pixels = pixels.convert("RGBA" if transparent else ("L" if pixels.mode == "L" else "RGB"))
    if orientation in _TRANSPOSE:
        pixels = pixels.transpose(_TRANSPOSE[orientation])
    pixels.info = {}  # EXIF (GPS, camera), XMP, ICC, comments: none of it is published
    return pixels


def _to_srgb(im: Pillow.Image) -> Pillow.Image:
    """Colours as browsers assume them once the ICC profile is stripped (phones shoot in Display P3)."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in ("RGB", "RGBA", "CMYK"):
        return im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(im, source, _SRGB, outputMode="RGBA" if im.mode == "RGBA" else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im  # an unreadable profile: keep the pixels as they are
    return converted if converted is not None else im


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _encode(pixels: Pillow.Image, extension: str, quality: int) -> bytes:
    form, options = _ENCODERS[extension]
    if extension in _LOSSY:
        options = {**options, "quality": quality}
    out = io.BytesIO()
    pixels.save(out, form, **options)
    return out.getvalue()


# --- shared --------------------------------------------------------------------------------


def _open(path: Path) -> ImageFile.ImageFile:
    """Open a file as JPEG, PNG or WebP, judged by its content, reading its header only.

    Pillow warns about images above 89 million pixels; ``check`` refuses
    anything above MAX_PIXELS itself, with a message an editor can act on.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Pillow.DecompressionBombWarning)
        return Pillow.open(path, formats=list(EXTENSIONS))


def _kind(im: ImageFile.ImageFile) -> str:
    return "JPEG" if im.format == _MPO else str(im.format)


def _orientation(im: ImageFile.ImageFile) -> int:
    """The EXIF orientation (1 = upright) as the header gives it.

    A PNG's EXIF may sit after its pixels, which Pillow reaches only by
    decoding them; such a late block is ignored so that the model stage (header
    only) and the write stage always agree on which way is up.
    """
    if im.format == "PNG" and "exif" not in im.info:
        return 1
    value = im.getexif().get(ExifTags.Base.Orientation, 1)
    return value if value in _TRANSPOSE else 1


def _may_be_transparent(im: ImageFile.ImageFile) -> bool:
    """Whether the header allows transparent pixels (an alpha channel or a transparent colour)."""
    return "A" in im.mode or "transparency" in im.info

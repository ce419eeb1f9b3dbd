"""Profile images: the checks on editors' files, the sizes published, and what
the published files contain (upright pixels, no metadata, the same bytes every build)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image as Pillow
from PIL import ImageCms

from katalog import images, routes
from katalog.model import Image
from katalog.sources import MediaFile

from .helpers import make_site, run, tree

RED, BLUE = (220, 20, 20), (20, 20, 220)


def encode(picture: Pillow.Image, form: str, **options: object) -> bytes:
    out = io.BytesIO()
    picture.save(out, form, **options)
    return out.getvalue()


def photo(size: tuple[int, int] = (64, 48)) -> Pillow.Image:
    """Left half red, right half blue: which way is up shows in two pixels."""
    picture = Pillow.new("RGB", size, RED)
    picture.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return picture


def media(tmp_path: Path, name: str, data: bytes, slug: str = "alpha") -> MediaFile:
    path = tmp_path / "content" / "media" / slug / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return MediaFile(slug, name, path, f"content/media/{slug}/{name}", len(data))


def with_png_size(data: bytes, width: int, height: int) -> bytes:
    """A PNG whose header claims another size (the checksum fixed, the pixels left small)."""
    header = struct.pack(">II", width, height) + data[24:29]
    return data[:16] + header + struct.pack(">I", zlib.crc32(b"IHDR" + header)) + data[33:]


def published(file: MediaFile) -> dict[str, bytes]:
    image = images.describe(file.path, file.slug, Image(file.name, "Foto uji coba"))
    return dict(images.render(image))


# --- checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "form"), [("cover.jpg", "JPEG"), ("cover.jpeg", "JPEG"), ("cover.png", "PNG"), ("cover.webp", "WEBP")]
)
def test_each_format_passes(tmp_path: Path, name: str, form: str) -> None:
    assert images.problems(media(tmp_path, name, encode(photo(), form))) == []


def test_a_jpeg_with_extra_pictures_is_a_jpeg_not_an_animation(tmp_path: Path) -> None:
    # Phones write MPO: a JPEG carrying a second picture (a depth map, a large preview).
    data = encode(photo(), "MPO", save_all=True, append_images=[photo((16, 12))])
    file = media(tmp_path, "cover.jpg", data)
    assert images.problems(file) == []
    assert set(published(file)) == {"media/alpha/cover.jpg", "media/alpha/cover-64.webp", "media/alpha/cover-64.jpg"}


def test_text_file_named_jpg(tmp_path: Path) -> None:
    file = media(tmp_path, "cover.jpg", b"Foto menyusul.\n")
    assert images.problems(file) == [
        "content/media/alpha/cover.jpg is not a JPEG, PNG or WebP image; save the picture in one of those formats"
    ]


def test_other_image_formats_are_not_accepted(tmp_path: Path) -> None:
    file = media(tmp_path, "cover.png", encode(photo(), "GIF"))
    assert images.problems(file) == [
        "content/media/alpha/cover.png is not a JPEG, PNG or WebP image; save the picture in one of those formats"
    ]


def test_png_named_jpg(tmp_path: Path) -> None:
    file = media(tmp_path, "cover.jpg", encode(photo(), "PNG"))
    assert images.problems(file) == [
        "content/media/alpha/cover.jpg is a PNG image but its name ends in .jpg; "
        "rename it to cover.png and write cover.png in image.src"
    ]


@pytest.mark.parametrize(("name", "form"), [("cover.jpg", "JPEG"), ("cover.png", "PNG"), ("cover.webp", "WEBP")])
@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_truncated_file(tmp_path: Path, name: str, form: str, keep: float) -> None:
    # Noise, so that the pixels take most of the file and a cut lands in them.
    data = encode(Pillow.effect_noise((96, 64), 60).convert("RGB"), form)
    file = media(tmp_path, name, data[: int(len(data) * keep)])
    assert images.problems(file) == [
        f"content/media/alpha/{name} is damaged or incomplete; save or export the picture again"
    ]


def test_file_over_5_mb(tmp_path: Path) -> None:
    data = encode(photo(), "PNG")
    file = media(tmp_path, "cover.png", data + b"\0" * (images.MAX_BYTES + 1 - len(data)))
    assert images.problems(file) == [
        "content/media/alpha/cover.png is 5.0 MB; an image may be at most 5 MB: "
        "export it smaller, e.g. 2000 pixels wide at JPEG quality 85"
    ]


def test_file_of_exactly_5_mb_is_allowed(tmp_path: Path) -> None:
    data = encode(photo(), "PNG")
    file = media(tmp_path, "cover.png", data + b"\0" * (images.MAX_BYTES - len(data)))
    assert images.problems(file) == []


def test_huge_dimensions_in_the_header_are_refused_undecoded(tmp_path: Path) -> None:
    small = encode(photo((8, 8)), "PNG")
    over_our_cap = media(tmp_path, "cover.png", with_png_size(small, 8000, 8000))
    assert images.problems(over_our_cap) == [
        "content/media/alpha/cover.png is 8000 x 8000 pixels; an image may have at most 50 million pixels "
        "(8000 x 6000 is 48 million): scale it down"
    ]
    bomb = media(tmp_path, "bomb.png", with_png_size(small, 100_000, 100_000))
    assert images.problems(bomb) == [
        "content/media/alpha/bomb.png has more than 178 million pixels; an image may have at most 50 million "
        "pixels (8000 x 6000 is 48 million): scale it down"
    ]


@pytest.mark.parametrize(("name", "form"), [("cover.png", "PNG"), ("cover.webp", "WEBP")])
def test_animated_images_are_refused(tmp_path: Path, name: str, form: str) -> None:
    data = encode(photo(), form, save_all=True, append_images=[photo().rotate(180), photo()])
    assert images.problems(media(tmp_path, name, data)) == [
        f"content/media/alpha/{name} is animated (3 frames); only still images are published: "
        "save one frame as JPEG, PNG or WebP"
    ]


# --- sizes and names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (4, (4,)),
        (480, (480,)),
        (500, (500,)),
        (1000, (480, 1000)),
        (1200, (480, 960, 1200)),
        (1440, (480, 960, 1440)),
        (4032, (480, 960, 1440)),
    ],
)
def test_widths_never_enlarge_and_are_never_empty(width: int, expected: tuple[int, ...]) -> None:
    assert images.widths(width) == expected


def test_variants_are_named_after_the_source_and_width() -> None:
    assert routes.media_variant("alpha", "cover.jpeg", 480, "webp") == "media/alpha/cover-480.webp"
    assert routes.media_variant("alpha", "foto.lama.png", 960, "jpg") == "media/alpha/foto.lama-960.jpg"


def test_describe_reads_sizes_and_addresses(tmp_path: Path) -> None:
    file = media(tmp_path, "cover.jpg", encode(photo((2000, 1500)), "JPEG"))
    image = images.describe(file.path, "alpha", Image("cover.jpg", "Foto uji coba", "Humas"))
    assert [(v.width, v.height, v.webp, v.fallback) for v in image.variants] == [
        (480, 360, "media/alpha/cover-480.webp", "media/alpha/cover-480.jpg"),
        (960, 720, "media/alpha/cover-960.webp", "media/alpha/cover-960.jpg"),
        (1440, 1080, "media/alpha/cover-1440.webp", "media/alpha/cover-1440.jpg"),
    ]
    assert (image.width, image.height, image.fallback_type) == (1440, 1080, "image/jpeg")
    assert image.original == "media/alpha/cover.jpg"
    assert image.social.width == 1440
    assert (image.alt, image.credit) == ("Foto uji coba", "Humas")


def test_published_files_have_the_described_sizes_and_formats(tmp_path: Path) -> None:
    file = media(tmp_path, "cover.jpg", encode(photo((1000, 600)), "JPEG"))
    files = published(file)
    assert sorted(files) == [
        "media/alpha/cover-1000.jpg",
        "media/alpha/cover-1000.webp",
        "media/alpha/cover-480.jpg",
        "media/alpha/cover-480.webp",
        "media/alpha/cover.jpg",
    ]
    opened = {path: Pillow.open(io.BytesIO(data)) for path, data in files.items()}
    assert opened["media/alpha/cover-480.webp"].format == "WEBP"
    assert opened["media/alpha/cover-480.jpg"].format == "JPEG"
    assert opened["media/alpha/cover-480.jpg"].size == (480, 288)
    assert opened["media/alpha/cover-1000.webp"].size == (1000, 600)
    assert opened["media/alpha/cover.jpg"].size == (1000, 600)


def test_transparent_images_fall_back_to_png(tmp_path: Path) -> None:
    picture = photo().convert("RGBA")
    picture.putpixel((0, 0), (0, 0, 0, 0))
    file = media(tmp_path, "logo.webp", encode(picture, "WEBP", lossless=True))
    files = published(file)
    assert sorted(files) == ["media/alpha/logo-64.png", "media/alpha/logo-64.webp", "media/alpha/logo.webp"]
    fallback = Pillow.open(io.BytesIO(files["media/alpha/logo-64.png"]))
    assert fallback.mode == "RGBA"
    assert fallback.getpixel((0, 0)) == (0, 0, 0, 0)


def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    file = media(tmp_path, "cover.png", encode(Pillow.new("I;16", (8, 8), 30000), "PNG"))
    for path, data in published(file).items():
        grey = Pillow.open(io.BytesIO(data)).convert("L").getpixel((1, 1))
        assert isinstance(grey, int)
        assert abs(grey - 30000 // 256) <= 2, path  # lossy WebP may be off by one


# --- what the published files contain --------------------------------------------------------


def phone_photo() -> bytes:
    """A JPEG as phones write it: stored sideways (EXIF orientation 6), with a GPS position,
    the camera's name, an ICC profile and a comment."""
    exif = Pillow.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to view
    exif[0x010F] = "KameraRahasia"
    exif[0x8825] = {1: "S", 2: (6.0, 10.0, 30.5), 3: "E", 4: (106.0, 49.0, 12.25)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(photo((600, 400)), "JPEG", exif=exif, icc_profile=icc, comment=b"KomentarRahasia")


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    file = media(tmp_path, "cover.jpg", phone_photo())
    image = images.describe(file.path, "alpha", Image("cover.jpg", "Foto uji coba"))
    assert (image.width, image.height) == (400, 600)
    for path, data in images.render(image):
        upright = Pillow.open(io.BytesIO(data)).convert("RGB")
        width, height = upright.size
        assert height > width, path
        # The stored left half (red) is the top once turned clockwise.
        top, bottom = upright.getpixel((width // 2, 2)), upright.getpixel((width // 2, height - 3))
        assert isinstance(top, tuple)
        assert isinstance(bottom, tuple)
        assert top[0] > 150 > top[2], path
        assert bottom[2] > 150 > bottom[0], path


def test_all_metadata_is_stripped(tmp_path: Path) -> None:
    source = phone_photo()
    assert b"KameraRahasia" in source
    assert b"KomentarRahasia" in source
    for path, data in published(media(tmp_path, "cover.jpg", source)).items():
        output = Pillow.open(io.BytesIO(data))
        assert not output.getexif(), path
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(output.info), path
        for secret in (b"Exif", b"KameraRahasia", b"KomentarRahasia", b"ICC_PROFILE"):
            assert secret not in data, (path, secret)


def test_png_metadata_is_stripped(tmp_path: Path) -> None:
    exif = Pillow.Exif()
    exif[0x010F] = "KameraRahasia"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = encode(photo().convert("RGBA"), "PNG", exif=exif, icc_profile=icc)  # alpha channel: PNG fallbacks too
    assert b"KameraRahasia" in source
    assert b"iCCP" in source
    files = published(media(tmp_path, "cover.png", source))
    assert "media/alpha/cover-64.png" in files
    for path, data in files.items():
        for secret in (b"KameraRahasia", b"iCCP", b"eXIf", b"ICCP", b"EXIF"):
            assert secret not in data, (path, secret)
        assert not Pillow.open(io.BytesIO(data)).getexif(), path


def test_two_renders_give_the_same_bytes(tmp_path: Path) -> None:
    file = media(tmp_path, "cover.jpg", encode(Pillow.effect_noise((1000, 500), 50).convert("RGB"), "JPEG"))
    assert published(file) == published(file)


# --- in the pipeline -------------------------------------------------------------------------


def test_a_build_publishes_every_variant_and_links_them(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"media/alpha/cover.png": None, "media/alpha/foto.jpg": phone_photo()})
    profile = content / "innovations" / "alpha.md"
    profile.write_text(profile.read_text().replace("src: cover.png", "src: foto.jpg"))
    out = tmp_path / "public"
    code, _, err = run("build", "--content", str(content), "--out", str(out), "--no-search")
    assert code == 0, err
    assert sorted(p for p in tree(out) if p.startswith("media/")) == [
        "media/alpha/foto-400.jpg",
        "media/alpha/foto-400.webp",
        "media/alpha/foto.jpg",
    ]
    html = (out / "inovasi/alpha/index.html").read_text()
    assert '<source type="image/webp" srcset="/media/alpha/foto-400.webp 400w"' in html
    assert 'srcset="/media/alpha/foto-400.jpg 400w"' in html
    assert 'width="400" height="600"' in html
    assert '<meta property="og:image" content="https://example.org/media/alpha/foto-400.jpg">' in html
    assert 'loading="lazy"' not in html


def test_all_image_problems_in_one_run(tmp_path: Path) -> None:
    content = make_site(
        tmp_path,
        {
            "media/alpha/cover.png": b"bukan gambar",
            "media/alpha/cadangan.png": encode(photo(), "PNG"),
            "media/beta/cover.jpg": encode(photo(), "PNG"),
        },
    )
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert err.splitlines() == [
        "content/innovations/alpha.md:35: image.src: content/media/alpha/cover.png is not a JPEG, PNG or WebP image; "
        "save the picture in one of those formats",
        "content/media/alpha/cadangan.png:1: -: no profile uses this file: content/innovations/alpha.md shows "
        "cover.png; delete it or name it in image.src",
        "content/media/beta/cover.jpg:1: -: no profile uses this file: content/innovations/beta.md has no image; "
        "name it in image.src or delete it",
        "3 problems found",
    ]

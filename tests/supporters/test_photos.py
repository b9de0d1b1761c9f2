import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from supporters.photos import MAX_BYTES, SIZES, process_photo

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def image_bytes(fmt: str, *, size=(600, 400), mode="RGB", color=(40, 120, 90), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def noise_jpeg(size=(800, 800)) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, bytes((i * 7919) % 251 for i in range(size[0] * size[1] * 3))).save(
        buffer, format="JPEG", quality=95
    )
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_with_exif_and_sideways_pixels() -> bytes:
    """1200×800 stored pixels, left half red and right half blue, with EXIF orientation 6 (turn 90°
    clockwise to view) plus a camera make and a GPS position."""
    image = Image.new("RGB", (1200, 800), (220, 0, 0))
    image.paste((0, 0, 220), (600, 0, 1200, 800))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "SecretCameraMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (37.0, 46.0, 30.0)
    gps[3] = "W"
    gps[4] = (122.0, 25.0, 10.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def test_process_photo_jpeg_with_exif_comes_out_square_upright_and_without_exif():
    data = jpeg_with_exif_and_sideways_pixels()
    original = Image.open(io.BytesIO(data))
    assert original.getexif()[ORIENTATION] == 6  # the test image really carries EXIF, GPS included
    assert original.getexif().get_ifd(GPS_IFD)[1] == "N"

    photos = process_photo(upload(data))

    assert set(photos) == set(SIZES) == {"photo_small", "photo_medium", "photo_large"}
    for field, side in SIZES.items():
        content = photos[field]
        raw = content.read()
        assert b"SecretCameraMaker" not in raw
        result = Image.open(io.BytesIO(raw))
        assert result.format == "JPEG"
        assert result.size == (side, side)
        assert len(result.getexif()) == 0
        assert "exif" not in result.info and "xmp" not in result.info
        # Orientation was applied: the stored left (red) half is now on top, the blue half below.
        red, green, blue = result.convert("RGB").getpixel((side // 2, side // 8))
        assert red > 150 and blue < 80
        red, green, blue = result.convert("RGB").getpixel((side // 2, side - side // 8))
        assert blue > 150 and red < 80


def test_process_photo_names_are_random_and_not_the_uploaded_name():
    data = image_bytes("JPEG")
    first = process_photo(upload(data, name="my-full-name.jpg"))
    second = process_photo(upload(data, name="my-full-name.jpg"))
    names = [content.name for content in [*first.values(), *second.values()]]
    assert len(set(names)) == 6
    assert all(name.endswith(".jpg") and "my-full-name" not in name for name in names)


def test_process_photo_png_with_alpha_becomes_rgb_on_white():
    data = image_bytes("PNG", size=(300, 200), mode="RGBA", color=(0, 0, 0, 0))
    photos = process_photo(upload(data, name="me.png", content_type="image/png"))
    result = Image.open(photos["photo_medium"])
    assert result.mode == "RGB"
    assert result.getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=3)


@pytest.mark.parametrize(("fmt", "mode"), [("WEBP", "RGB"), ("PNG", "P"), ("PNG", "L"), ("JPEG", "CMYK")])
def test_process_photo_accepts_other_jpeg_png_webp_kinds(fmt, mode):
    color = 100 if mode in ("P", "L") else (10, 20, 30, 40) if mode == "CMYK" else (10, 20, 30)
    photos = process_photo(upload(image_bytes(fmt, mode=mode, color=color), name="x.img"))
    assert Image.open(photos["photo_small"]).size == (96, 96)


def test_process_photo_small_image_is_scaled_up_to_the_fixed_sizes():
    photos = process_photo(upload(image_bytes("JPEG", size=(120, 200))))
    assert Image.open(photos["photo_large"]).size == (800, 800)


@pytest.mark.parametrize(
    ("data", "name", "content_type", "message"),
    [
        (
            image_bytes("GIF", mode="P", color=1),
            "photo.gif",
            "image/gif",
            "Please choose a JPEG, PNG or WebP",
        ),
        (
            image_bytes("GIF", mode="P", color=1),
            "photo.jpg",
            "image/jpeg",
            "Please choose a JPEG, PNG or WebP",
        ),
        (
            b"just some text, not a photo\n" * 20,
            "photo.jpg",
            "image/jpeg",
            "Please choose a JPEG, PNG or WebP",
        ),
        (image_bytes("BMP"), "photo.png", "image/png", "Please choose a JPEG, PNG or WebP"),
        (b"\xff\xd8\xff" + b"\0" * MAX_BYTES, "big.jpg", "image/jpeg", "larger than 5 MB"),
        (noise_jpeg()[:20_000], "cut.jpg", "image/jpeg", "damaged or incomplete"),
    ],
    ids=["gif", "gif-named-jpg", "text-named-jpg", "bmp-named-png", "over-5mb", "truncated-jpeg"],
)
def test_process_photo_refuses_with_a_clear_message(data, name, content_type, message):
    with pytest.raises(ValidationError) as info:
        process_photo(upload(data, name=name, content_type=content_type))
    assert message in info.value.messages[0]


def test_process_photo_refuses_corrupt_png():
    data = bytearray(image_bytes("PNG", size=(200, 200), mode="RGB", color=(1, 2, 3)))
    data[60:70] = b"\x00" * 10  # inside the image data chunk: its checksum no longer matches
    with pytest.raises(ValidationError) as info:
        process_photo(upload(bytes(data), name="x.png", content_type="image/png"))
    assert "damaged or incomplete" in info.value.messages[0]


@pytest.mark.parametrize("size", [(8000, 6000), (20000, 10000)], ids=["48-megapixels", "200-megapixels"])
def test_process_photo_refuses_decompression_bombs(size):
    # A 1-bit image compresses to a few kilobytes but would take hundreds of megabytes to decode.
    data = image_bytes("PNG", size=size, mode="1", color=0)
    assert len(data) < MAX_BYTES
    with pytest.raises(ValidationError) as info:
        process_photo(upload(data, name="bomb.png", content_type="image/png"))
    assert "too many pixels" in info.value.messages[0]

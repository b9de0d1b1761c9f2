"""Supporter photos: check an upload is really a safe image, then re-encode it in the sizes pages use.

Only the decoded pixels survive: re-encoding drops EXIF (camera, GPS position, time), XMP and
comments. The orientation EXIF carried is applied to the pixels first, so the photo stays upright.
"""

import contextlib
import io
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # far above any real portrait; refuses decompression bombs early
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
SIZES = {"photo_small": 96, "photo_medium": 320, "photo_large": 800}
JPEG_QUALITY = 85


def _not_an_image() -> ValidationError:
    return ValidationError(_("Please choose a JPEG, PNG or WebP image."), code="not_an_image")


def _damaged() -> ValidationError:
    return ValidationError(
        _("That photo seems to be damaged or incomplete. Please try saving it again, or choose another."),
        code="damaged",
    )


def _too_large() -> ValidationError:
    return ValidationError(
        _("That photo is larger than 5 MB. Please choose a smaller one, or make it smaller first."),
        code="too_large",
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("That photo has too many pixels for us to handle. Please choose one under 40 megapixels."),
        code="too_many_pixels",
    )


def _read_limited(upload) -> bytes:
    """The upload's bytes, refusing anything over the size limit without reading all of it."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _too_large()
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large()
    if not data:
        raise _not_an_image()
    return data


def _open(data: bytes) -> Image.Image:
    """Decode the whole image, trusting only what Pillow finds in the bytes (not the name or type)."""
    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit, raises) on huge images; treat both as a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except UnidentifiedImageError as exc:
            raise _not_an_image() from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise _damaged() from exc
        if probe.format not in ACCEPTED_FORMATS:
            raise _not_an_image()
        if probe.width * probe.height > MAX_PIXELS:
            raise _too_many_pixels()
        try:
            probe.verify()  # checksums and structure; the image can't be used afterwards
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            image.load()  # a truncated file fails here
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise _damaged() from exc
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert embedded colour profiles (e.g. a phone's Display P3) to sRGB, so colours survive
    dropping the profile. Any trouble: keep the pixels as they are."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels; transparent areas become white (JPEG has no alpha)."""
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        background.alpha_composite(image)
        return background.convert("RGB")
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        # 16-bit greyscale PNG: scale down to 8 bits before converting.
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB")


def _encode(image: Image.Image, size: int) -> ContentFile:
    square = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    buffer = io.BytesIO()
    # No exif=, icc_profile= or comment=: nothing but pixels is written.
    square.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_urlsafe(12)}.jpg")


def process_photo(upload) -> dict[str, ContentFile]:
    """Validate an uploaded photo and return square JPEGs keyed by SupporterProfile field name.

    Accepts JPEG, PNG and WebP up to 5 MB and 40 megapixels, judged by the decoded content.
    Raises ``ValidationError`` with a message for the person uploading; nothing is stored here.
    """
    image = _open(_read_limited(upload))
    # A broken orientation tag: keep the pixels as stored.
    with contextlib.suppress(OSError, SyntaxError, ValueError, TypeError, KeyError):
        image = ImageOps.exif_transpose(image)
    image = _flatten(_to_srgb(image))
    return {field: _encode(image, size) for field, size in SIZES.items()}

"""Server-side photo thumbnails (issue 17): small JPEGs beside the original in private storage.

A thumbnail is made when a photo is stored (`core.uploads.private_file_store`) and, for photos
stored before thumbnails existed, by `manage.py photos_thumbnail` or on the first request for
it. It is turned upright from the EXIF orientation, carries no metadata (no EXIF, no GPS: a
new image is encoded from the pixels alone) and is never larger than the original.
A photo that cannot be decoded gets no thumbnail: pages show the plain link, as before.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

THUMB_MAX = 320
THUMB_QUALITY = 80
# Kinds Pillow decodes (HEIC needs a plugin we do not ship: no thumbnail, the link stays).
THUMBNAILABLE = {"jpg", "png", "webp"}


class ThumbnailError(Exception):
    """The photo could not be decoded into a thumbnail."""


_TRUNCATED_FLAG = threading.Lock()


@contextmanager
def _truncated_refused() -> Iterator[None]:
    """Decode with Pillow's truncated-image tolerance off. WeasyPrint switches it on for the
    whole process when it is imported (weasyprint/images.py), after which a photo cut off in
    transit would get a half-grey thumbnail instead of falling back to its link. A lock,
    because the flag is Pillow's global."""
    with _TRUNCATED_FLAG:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def thumbnail_bytes(source: Any, *, max_size: int = THUMB_MAX) -> tuple[bytes, int, int]:
    """A JPEG thumbnail of the image in the binary file `source`: (bytes, width, height)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as opened, _truncated_refused():
                opened.load()
                image = ImageOps.exif_transpose(opened)
                image.thumbnail((max_size, max_size))  # keeps the ratio, never upscales
                if image.mode in ("RGBA", "LA", "P", "PA"):
                    image = image.convert("RGBA")
                    background = Image.new("RGB", image.size, (255, 255, 255))
                    background.paste(image, mask=image.getchannel("A"))
                    image = background
                elif image.mode != "RGB":
                    image = image.convert("RGB")
                # A new RGB image has no info dict from the original: nothing of its EXIF/GPS.
                clean = Image.new("RGB", image.size)
                clean.paste(image)
                out = io.BytesIO()
                clean.save(out, "JPEG", quality=THUMB_QUALITY, optimize=True)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as error:
        raise ThumbnailError(str(error)) from error
    return out.getvalue(), clean.width, clean.height


def thumbnail_name(original_name: str) -> str:
    """company-1/requests/abc.png -> company-1/requests/abc.thumb.jpg (beside the original)."""
    stem = original_name.rsplit(".", 1)[0]
    return f"{stem}.thumb.jpg"


def thumbnail_store(instance: Any, *, save: bool = True) -> bool:
    """Make and store the thumbnail of a PrivateFileBase row. False (logged) if it cannot."""
    if instance.extension not in THUMBNAILABLE or not instance.file:
        return False
    try:
        with instance.file.open("rb") as source:
            data, width, height = thumbnail_bytes(source)
    except (ThumbnailError, OSError) as error:
        log.warning(
            "No thumbnail for %s %s (company %s): %s",
            type(instance).__name__,
            instance.pk,
            instance.company_id,
            error,
        )
        return False
    instance.thumbnail.save(thumbnail_name(instance.file.name), ContentFile(data), save=False)
    instance.thumb_width = width
    instance.thumb_height = height
    if save:
        instance.save(update_fields=["thumbnail", "thumb_width", "thumb_height"])
    return True

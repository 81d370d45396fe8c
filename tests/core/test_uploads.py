import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doorstep.core.errors import DomainError
from doorstep.core.uploads import MAX_PHOTO_BYTES, PHOTO_KINDS, upload_check

from ..servicerequests.helpers import JPEG, PNG


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def blank_png(width: int, height: int) -> bytes:
    """A valid one-bit greyscale PNG of one colour, built row by row: 30000 x 30000 pixels
    compress to about 100 KB (the decompression bomb of the finding)."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def check(content: bytes, name: str = "photo.png"):
    return upload_check(
        SimpleUploadedFile(name, content, "image/png"), kinds=PHOTO_KINDS, max_bytes=MAX_PHOTO_BYTES
    )


def test_png_by_content_is_accepted_whatever_its_name():
    kind = upload_check(
        SimpleUploadedFile("x.txt", PNG, "text/plain"), kinds=PHOTO_KINDS, max_bytes=MAX_PHOTO_BYTES
    )
    assert kind.extension == "png"


@pytest.mark.parametrize(
    "content",
    [
        PNG + b"<html><script>alert(1)</script></html>",
        b"<html>not an image</html>",
        b"MZ\x90\x00 executable",
    ],
)
def test_polyglots_and_wrong_types_are_refused(content):
    with pytest.raises(DomainError, match="not accepted"):
        upload_check(
            SimpleUploadedFile("photo.png", content, "image/png"),
            kinds=PHOTO_KINDS,
            max_bytes=MAX_PHOTO_BYTES,
        )


def test_oversize_is_refused():
    with pytest.raises(DomainError, match="too large"):
        upload_check(
            SimpleUploadedFile("big.png", PNG + b"0" * 2048, "image/png"),
            kinds=PHOTO_KINDS,
            max_bytes=1024,
        )


def test_a_30000_by_30000_png_is_refused_by_pixel_count():
    bomb = blank_png(30_000, 30_000)
    assert len(bomb) < MAX_PHOTO_BYTES  # small on disk: only the pixel count gives it away
    with pytest.raises(DomainError, match="too large to open safely"):
        check(bomb)


def test_a_bomb_just_under_pillows_own_ceiling_is_refused_too():
    # 12000 x 12000 = 144 megapixels: Pillow only warns there; our limit (100) refuses.
    with pytest.raises(DomainError, match="at most 100 megapixels"):
        check(blank_png(12_000, 12_000))


def test_a_large_phone_photo_is_accepted():
    assert check(blank_png(8_000, 6_000)).extension == "png"  # 48 megapixels
    assert check(JPEG, "photo.jpg").extension == "jpg"


def test_an_image_header_that_cannot_be_read_is_refused():
    with pytest.raises(DomainError, match="could not be read"):
        check(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)


@pytest.mark.parametrize("tag", [b"<script>", b"<HTML>", b"<svg onload=x>"])
def test_markup_after_the_first_megabyte_is_found(tag):
    padded = PNG + b"\x00" * (3 * 1024 * 1024) + tag
    with pytest.raises(DomainError, match="not accepted"):
        check(padded)


def test_markup_split_across_two_read_chunks_is_found():
    from doorstep.core.uploads import SCAN_CHUNK

    padding = b"\x00" * (SCAN_CHUNK - len(PNG) - 3)
    with pytest.raises(DomainError, match="not accepted"):
        check(PNG + padding + b"<script>")  # "<sc" ends one chunk, "ript>" starts the next

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doorstep.core.errors import DomainError
from doorstep.core.uploads import MAX_PHOTO_BYTES, PHOTO_KINDS, upload_check

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


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

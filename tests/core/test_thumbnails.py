"""Photo thumbnails (issue 17): made when a photo is stored, small, upright, without the
photo's metadata, never upscaled; served at /thumb with the photo's own checks; a photo
that cannot be decoded keeps the plain link (no 500); `photos_thumbnail` fills the gaps."""

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from PIL import Image

from doorstep.core.thumbnails import THUMB_MAX, ThumbnailError, thumbnail_bytes

from ..factories import ContactFactory, make_portal_account, make_service_request
from ..portal_helpers import sign_in
from ..servicerequests.helpers import png

pytestmark = pytest.mark.django_db

ORIENTATION, MAKE, GPS_IFD = 0x0112, 0x010F, 0x8825


def camera_jpeg(width=1200, height=800, orientation=6):
    """A phone photo taken sideways: pixels stored landscape, EXIF says rotate 90°; with the
    camera's make and a GPS position in its EXIF."""
    image = Image.new("RGB", (width, height), "#1f6feb")
    image.paste((255, 0, 0), (0, 0, width // 2, height))  # left half red: shows the rotation
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "SecretCam"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries EXIF and GPS
        assert check.getexif()[MAKE] == "SecretCam"
        assert check.getexif().get_ifd(GPS_IFD)
    return data


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, "image/jpeg")


def stored_thumbnail(photo):
    with photo.thumbnail.open("rb") as f:
        return f.read()


def test_thumbnail_is_made_at_upload_small_upright_and_without_metadata():
    account = make_portal_account(ContactFactory())
    sr = make_service_request(account.customer, photos=[upload(camera_jpeg())])
    photo = sr.photos.get()
    assert photo.thumbnail.name.startswith(f"company-{sr.company_id}/requests/")
    assert photo.thumbnail.name.endswith(".thumb.jpg")
    data = stored_thumbnail(photo)
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.format == "JPEG"
        # 1200 x 800 turned upright is 800 x 1200: bounded by 320 on its long side.
        assert thumb.size == (213, 320) == (photo.thumb_width, photo.thumb_height)
        assert not thumb.getexif()
        # Rotated 90° clockwise: the red left half is now the top half.
        top = thumb.getpixel((100, 20))
        bottom = thumb.getpixel((100, 300))
        assert top[0] > 200 and top[2] < 80, top
        assert bottom[2] > 200, bottom
    assert b"SecretCam" not in data and b"Exif" not in data


def test_small_photo_is_not_upscaled_and_png_transparency_turns_white():
    image = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data, width, height = thumbnail_bytes(io.BytesIO(buffer.getvalue()))
    assert (width, height) == (40, 30)
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.getpixel((5, 5)) == (255, 255, 255)
    _big, w, h = thumbnail_bytes(io.BytesIO(camera_jpeg(4000, 1000, orientation=1)))
    assert (w, h) == (THUMB_MAX, 80)


def test_corrupt_photo_gets_no_thumbnail_logs_it_and_the_page_links_it(caplog):
    # As in a web process that has rendered a PDF: importing WeasyPrint turns on Pillow's
    # truncated-image tolerance for the whole process.
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    good = camera_jpeg(orientation=1)
    truncated = good[: len(good) // 3]  # a valid header (the upload check passes), no pixels
    with pytest.raises(ThumbnailError):
        thumbnail_bytes(io.BytesIO(b"not an image"))
    account = make_portal_account(ContactFactory())
    caplog.set_level(logging.WARNING, logger="doorstep.core.thumbnails")
    sr = make_service_request(account.customer, photos=[upload(truncated)])
    photo = sr.photos.get()
    assert not photo.thumbnail
    assert "No thumbnail for ServiceRequestPhoto" in caplog.text
    client = Client()
    sign_in(client, account)
    base = f"/p/{account.company.slug}/requests/{sr.pk}"
    page = client.get(base)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<a href="{base}/photos/{photo.pk}">Photo 1 of 1 for request' in html
    assert "/thumb" not in html
    assert client.get(f"{base}/photos/{photo.pk}/thumb").status_code == 404


def test_request_page_shows_thumbnails_linking_to_the_photos_and_thumb_is_served():
    account = make_portal_account(ContactFactory())
    sr = make_service_request(
        account.customer, photos=[upload(camera_jpeg()), png(), upload(camera_jpeg())]
    )
    first = sr.photos.first()
    client = Client()
    sign_in(client, account)
    base = f"/p/{account.company.slug}/requests/{sr.pk}"
    html = client.get(base).content.decode()
    assert (
        f'<a href="{base}/photos/{first.pk}"><img src="{base}/photos/{first.pk}/thumb" '
        f'alt="Photo 1 of 3 for request {sr.display_number}" width="213" height="320" '
        f'loading="lazy"'
    ) in html
    assert "Photo 3 of 3" in html
    response = client.get(f"{base}/photos/{first.pk}/thumb")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=86400"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert b"".join(response.streaming_content) == stored_thumbnail(first)


def test_thumb_is_made_on_first_request_when_missing():
    account = make_portal_account(ContactFactory())
    sr = make_service_request(account.customer, photos=[upload(camera_jpeg())])
    photo = sr.photos.get()
    photo.thumbnail.delete(save=False)
    photo.thumbnail = ""
    photo.save()
    client = Client()
    sign_in(client, account)
    response = client.get(f"/p/{account.company.slug}/requests/{sr.pk}/photos/{photo.pk}/thumb")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    photo.refresh_from_db()
    assert photo.thumbnail and photo.thumb_height == 320


def test_photos_thumbnail_command_fills_missing_ones_idempotently():
    account = make_portal_account(ContactFactory())
    sr = make_service_request(account.customer, photos=[upload(camera_jpeg()), png()])
    sr.photos.update(thumbnail="", thumb_width=None, thumb_height=None)
    out = io.StringIO()
    call_command("photos_thumbnail", company=account.company.slug, stdout=out)
    assert f"{account.company.slug}: 2 thumbnails made, 0 not possible" in out.getvalue()
    assert all(p.thumbnail for p in sr.photos.all())
    out = io.StringIO()
    call_command("photos_thumbnail", stdout=out)
    assert f"{account.company.slug}: 0 thumbnails made, 0 not possible" in out.getvalue()

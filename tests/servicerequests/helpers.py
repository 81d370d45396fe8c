from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def tiny_image(image_format: str) -> bytes:
    """A real 4 x 4 image: uploads are opened to read their size, so a bare header fails."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#1f6feb").save(buffer, format=image_format)
    return buffer.getvalue()


PNG = tiny_image("PNG")
JPEG = tiny_image("JPEG")


def png(name: str = "leak.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "image/png")


def csrf_post(client: Any, page_url: str, data: dict[str, Any], post_url: str | None = None) -> Any:
    """Fetch the form page (sets the csrftoken cookie), then POST with the token."""
    page = client.get(page_url)
    assert page.status_code in (200, 403), page.status_code
    token = client.cookies["csrftoken"].value
    return client.post(post_url or page_url, {**data, "csrfmiddlewaretoken": token})

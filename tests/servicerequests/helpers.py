from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def png(name: str = "leak.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "image/png")


def csrf_post(client: Any, page_url: str, data: dict[str, Any], post_url: str | None = None) -> Any:
    """Fetch the form page (sets the csrftoken cookie), then POST with the token."""
    page = client.get(page_url)
    assert page.status_code in (200, 403), page.status_code
    token = client.cookies["csrftoken"].value
    return client.post(post_url or page_url, {**data, "csrfmiddlewaretoken": token})

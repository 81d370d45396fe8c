from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from doorstep.core.audit import Actor
from doorstep.integrations.keys import api_key_create
from doorstep.integrations.models import ApiScope

ALL_SCOPES = [scope.value for scope in ApiScope]


class Api:
    """A test client speaking to /api/v1/ with one key."""

    def __init__(self, raw: str, company: Any, key: Any) -> None:
        self.raw, self.company, self.key = raw, company, key
        self.client = Client()

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.raw}", **(headers or {})}

    def get(self, path: str, params: dict | None = None, headers: dict | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path: str, data: Any = None, headers: dict | None = None) -> Any:
        return self.client.post(path, data if data is not None else {},
                                content_type="application/json", headers=self._headers(headers))

    def patch(self, path: str, data: Any = None, headers: dict | None = None) -> Any:
        return self.client.patch(path, data or {}, content_type="application/json",
                                 headers=self._headers(headers))


def make_api(company: Any, scopes: list[str] | None = None, name: str = "Sync") -> Api:
    issued = api_key_create(company=company, name=name, scopes=scopes or ALL_SCOPES,
                            actor=Actor.system("tests"))
    return Api(issued.raw, company, issued.key)


@pytest.fixture
def api(company: Any) -> Api:
    return make_api(company)


@pytest.fixture
def other_api(other_company: Any) -> Api:
    return make_api(other_company)

"""The test provider's claims: email, email_verified (from the test setup) and name."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

UNVERIFIED_MARK = "unverified"


class Validator(OAuth2Validator):
    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "email": user.email,
            # The test marks an address the provider has not verified with last_name.
            "email_verified": user.last_name != UNVERIFIED_MARK,
            "name": user.first_name or user.username,
        }

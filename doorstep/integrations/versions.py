"""API versions, oldest first. A key is pinned to the version current when it was created;
a request may ask for another with the `Doorstep-Version` header. docs/api.md lists the
changes of each version."""

VERSIONS = ["2026-12-01"]
CURRENT_VERSION = VERSIONS[-1]

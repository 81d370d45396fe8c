"""Connection OPTIONS that follow from the environment, kept out of settings.py so the rule can
be tested without touching the process environment (tests/core/test_database_options.py).

Prepared statements (docs/deploy.md, "Prepared statements"): with psycopg 3, Django binds
parameters on the client and never prepares, so PostgreSQL plans every query again. With
`server_side_binding` the parameters travel separately, and `prepare_threshold` makes psycopg
prepare a statement on a connection after its 5th use; PostgreSQL then reuses the plan
(measured: about 30% less database time per portal page, docs/benchmarks.md). A prepared
statement belongs to one server connection, so a transaction pooler that hands the next
transaction another server connection breaks it unless the pooler tracks them itself
(PgBouncer 1.21+ with `max_prepared_statements`; Debian 12 ships 1.18).
"""

from __future__ import annotations

POSTGRESQL_ENGINE = "django.db.backends.postgresql"
# psycopg prepares a statement the 5th time a connection runs it: one-off queries (migrations,
# rare office searches) are not prepared, every page's few statements soon are.
PREPARE_THRESHOLD = 5
PREPARED_STATEMENT_OPTIONS: dict[str, object] = {
    "server_side_binding": True,
    "prepare_threshold": PREPARE_THRESHOLD,
}
TRUE_WORDS = {"1", "true", "yes", "on"}


def prepared_statements_on(setting: str, *, pooler: str) -> bool:
    """DATABASE_PREPARED_STATEMENTS: empty means the default, which is on for a direct
    connection (or a session pooler) and off behind a transaction pooler
    (DATABASE_POOLER=transaction). Any other word than 1/true/yes/on is off, as env_bool
    reads the other switches."""
    value = setting.strip().lower()
    if not value:
        return pooler != "transaction"
    return value in TRUE_WORDS


def statement_options(
    *, engine: str, setting: str, pooler: str, psycopg3: bool
) -> dict[str, object]:
    """The OPTIONS to add to one DATABASES entry: the prepared-statement pair on PostgreSQL
    through psycopg 3 when the setting is on, nothing otherwise (SQLite has no such thing;
    psycopg2 does not accept prepare_threshold)."""
    if engine != POSTGRESQL_ENGINE or not psycopg3:
        return {}
    if not prepared_statements_on(setting, pooler=pooler):
        return {}
    return dict(PREPARED_STATEMENT_OPTIONS)

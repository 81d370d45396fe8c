"""DATABASE_PREPARED_STATEMENTS: which connections get PostgreSQL prepared statements
(config/database.py, docs/deploy.md "Prepared statements")."""

import os

import pytest
from django.db import connection

from config.database import statement_options

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"
PREPARED = {"server_side_binding": True, "prepare_threshold": 5}


def options(setting: str = "", pooler: str = "", engine: str = POSTGRESQL, psycopg3: bool = True):
    return statement_options(engine=engine, setting=setting, pooler=pooler, psycopg3=psycopg3)


def test_a_direct_connection_prepares_by_default():
    assert options() == PREPARED


def test_a_session_pooler_keeps_them_by_default():
    # A session pooler gives a client the same server connection for its whole session.
    assert options(pooler="session") == PREPARED


def test_behind_a_transaction_pooler_they_are_off_by_default():
    # PgBouncer before 1.21 (Debian 12 ships 1.18) hands the next transaction another server
    # connection, where the prepared statement does not exist.
    assert options(pooler="transaction") == {}


@pytest.mark.parametrize("word", ["1", "true", "yes", "on", " ON "])
def test_on_when_asked_even_behind_a_transaction_pooler(word):
    # PgBouncer 1.21+ with max_prepared_statements carries them.
    assert options(word, pooler="transaction") == PREPARED


@pytest.mark.parametrize("word", ["0", "false", "no", "off", "flase"])
def test_off_when_asked_or_misspelt(word):
    # A typo falls to the side that works behind any pooler.
    assert options(word) == {}


def test_never_on_sqlite_or_psycopg2():
    assert options("on", engine=SQLITE) == {}
    assert options("on", psycopg3=False) == {}  # psycopg2 refuses prepare_threshold


def test_each_database_entry_gets_its_own_copy():
    first = options()
    first["prepare_threshold"] = None
    assert options() == PREPARED


@pytest.mark.django_db
def test_the_test_database_follows_the_same_rule():
    """config/settings.py applies the rule to the suite's connection too, so on PostgreSQL the
    tests run with prepared statements, as a directly connected production process does."""
    expected = options(
        os.environ.get("DATABASE_PREPARED_STATEMENTS", ""),
        pooler=os.environ.get("DATABASE_POOLER", ""),
        engine=connection.settings_dict["ENGINE"],
    )
    got = connection.settings_dict["OPTIONS"]
    assert {key: got[key] for key in PREPARED if key in got} == expected
    if connection.vendor == "postgresql" and expected:
        connection.ensure_connection()
        assert connection.connection.prepare_threshold == 5

"""Which database `make bench` measures: PostgreSQL when a local server answers, else SQLite.

Run as `python -m doorstep.benchmarks.database`: prints the DATABASE_URL to use, creating the
PostgreSQL database first if it is missing. It never touches the development database
(var/doorstep.sqlite3): a million invoices there would bury the demo data.
BENCH_DATABASE_URL, when set, wins (any engine, used as given).
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_DATABASE = "doorstep_bench"
PG_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{PG_DATABASE}"
SQLITE_PATH = Path(__file__).resolve().parent.parent.parent / "var" / "bench.sqlite3"


def postgres_answers(host: str = PG_HOST, port: int = PG_PORT, timeout: float = 1.0) -> bool:
    try:
        socket.create_connection((host, port), timeout).close()
    except OSError:
        return False
    return True


def postgres_database_ensure(name: str = PG_DATABASE) -> None:
    """CREATE DATABASE unless it exists (needs a role allowed to create databases)."""
    import psycopg
    from psycopg import sql

    dsn = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def bench_database_url() -> str:
    explicit = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if explicit:
        return explicit
    if postgres_answers():
        try:
            postgres_database_ensure()
        except Exception as error:  # a server we may not use: fall back rather than fail
            print(f"PostgreSQL answers but {PG_DATABASE} is unusable ({error}).", file=sys.stderr)
        else:
            return PG_URL
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


if __name__ == "__main__":
    print(bench_database_url())

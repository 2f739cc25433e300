"""Engine creation (SQLite pragmas) and Alembic migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The newest migration. A test keeps it equal to Alembic's head, so a database already there
# is recognised with one query instead of loading Alembic at every start.
HEAD = "0007"


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
            # Let SQLAlchemy's "begin" below emit BEGIN itself (pysqlite's implicit one is lazy).
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Take the write lock up front: a read-then-write transaction that upgrades later
            # fails at once with "database is locked" when another process wrote meanwhile.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def database_url_problem(url: str) -> str | None:
    """Why `url` could not open a database (not a URL, unknown dialect, driver missing), found
    without connecting; None when it can. The URL may hold a password: it is never quoted."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    example = "e.g. sqlite:///monitor.db or postgresql+psycopg://user:password@host/db"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return f"not a SQLAlchemy database URL ({example})"
    try:
        dialect = parsed.get_dialect()
    except NoSuchModuleError:
        backend, _, driver = parsed.drivername.partition("+")
        if driver and _dialect_known(backend):
            return f"unknown driver '{driver}' for database '{backend}' ({example})"
        return f"unknown database dialect '{backend}' ({example})"
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        module = getattr(exc, "name", None) or str(exc)
        return (f"the driver of '{parsed.drivername}' is not installed ({module}); install it "
                f"or name another driver ({example})")
    return None


def _dialect_known(backend: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        make_url(f"{backend}://").get_dialect()
    except (ArgumentError, NoSuchModuleError):
        return False
    return True


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def ensure_current(url: str) -> None:
    """Migrate unless the database is already at HEAD (the common start, kept cheap)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except Exception:  # no table yet (a new database) or another problem: let Alembic decide
        version = None
    finally:
        engine.dispose()
    if version != HEAD:
        upgrade(url)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()

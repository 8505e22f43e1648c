"""Alembic's environment for the verdict store, run by ``feedback_store.migrate`` on a
connection it passes in ``config.attributes["connection"]`` (no alembic.ini at run time)."""

from __future__ import annotations

from alembic import context

from linter.run.feedback_models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` on the command line: a URL in the ini file
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url, or run the migrations through feedback_store")
    with create_engine(url).connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()

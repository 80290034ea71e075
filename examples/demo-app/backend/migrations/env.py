"""Alembic environment: DATABASE_URL from the environment, metadata from app.db."""

from alembic import context
from sqlalchemy import create_engine, pool

from app.db import Base
from app.settings import DATABASE_URL

if context.is_offline_mode():
    context.configure(url=DATABASE_URL, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(DATABASE_URL, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()

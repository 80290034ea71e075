from alembic import context
from sqlalchemy import create_engine, pool

from app.core.config import settings
from app.core.db import metadata

if context.is_offline_mode():
    context.configure(url=settings.SQLALCHEMY_DATABASE_URI, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connectable = create_engine(settings.SQLALCHEMY_DATABASE_URI, poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()

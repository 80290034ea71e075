"""Connects with DATABASE_URL, as the apps we deploy do."""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine

fileConfig(context.config.config_file_name)
url = os.environ["DATABASE_URL"]

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with create_engine(url).connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()

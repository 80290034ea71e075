"""The changed release's migration (multinode scenario): an additive table, as a rolling deploy
needs - the release that still runs on the other hosts ignores it.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade():
    op.create_table("deploy_marks", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("deploy_marks")

"""madmp: maDMP fields kept on plans and plan datasets (issue 8)

Revision ID: c8d2a2b3c4d5
Revises: c8d1a2b3c4d5
Create Date: 2026-11-23 13:40:00
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import dmp_registry.core.db  # noqa: F401


revision = 'c8d2a2b3c4d5'
down_revision = 'c8d1a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

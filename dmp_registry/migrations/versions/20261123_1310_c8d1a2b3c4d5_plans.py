"""plans: DMP templates, plans, review and snapshots (issue 8)

Revision ID: c8d1a2b3c4d5
Revises: b7c1a2d3e4f5
Create Date: 2026-11-23 13:40:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate writes Text() for JSONB
import dmp_registry.core.db
from sqlalchemy.dialects import postgresql


revision = 'c8d1a2b3c4d5'
down_revision = 'b7c1a2d3e4f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_template',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('title', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('title_sort', sa.String(length=200), nullable=False),
    sa.Column('description', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('funder', sa.String(length=300), nullable=True),
    sa.Column('owner_unit_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['unit.id'], name=op.f('fk_plan_template_owner_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_template')),
    sa.UniqueConstraint('key', name=op.f('uq_plan_template_key'))
    )
    with op.batch_alter_table('plan_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_template_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_template_title_sort'), ['title_sort'], unique=False)

    op.create_table('plan_template_version',
    sa.Column('template_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('published_at', dmp_registry.core.db.UTCDateTime(), nullable=True),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_plan_template_version_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], ['plan_template.id'], name=op.f('fk_plan_template_version_template_id_plan_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_template_version')),
    sa.UniqueConstraint('template_id', 'number', name='uq_plan_template_version_number')
    )
    with op.batch_alter_table('plan_template_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_template_version_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_template_version_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_template_version_template_id'), ['template_id'], unique=False)

    op.create_table('plan',
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('title_sort', sa.String(length=300), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('template_version_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('dmp_identifier', sa.String(length=500), nullable=True),
    sa.Column('submitted_at', dmp_registry.core.db.UTCDateTime(), nullable=True),
    sa.Column('approved_at', dmp_registry.core.db.UTCDateTime(), nullable=True),
    sa.Column('returned_at', dmp_registry.core.db.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_plan_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_plan_project_id_project'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['template_version_id'], ['plan_template_version.id'], name=op.f('fk_plan_template_version_id_plan_template_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan'))
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_template_version_id'), ['template_version_id'], unique=False)
        batch_op.create_index('ix_plan_title', ['title_sort', 'id'], unique=False)
        batch_op.create_index('ix_plan_updated', ['updated_at', 'id'], unique=False)

    op.create_table('plan_answer',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_answer_plan_id_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_plan_answer_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_answer')),
    sa.UniqueConstraint('plan_id', 'question_key', name='uq_plan_answer_question')
    )
    with op.batch_alter_table('plan_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_answer_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_answer_updated_by_id'), ['updated_by_id'], unique=False)

    op.create_table('plan_contributor',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_plan_contributor_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_contributor_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_contributor')),
    sa.UniqueConstraint('plan_id', 'person_id', name='uq_plan_contributor_person')
    )
    with op.batch_alter_table('plan_contributor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_contributor_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_contributor_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_dataset',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('dataset_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['dataset.id'], name=op.f('fk_plan_dataset_dataset_id_dataset'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_dataset_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_dataset')),
    sa.UniqueConstraint('plan_id', 'dataset_id', name='uq_plan_dataset_dataset')
    )
    with op.batch_alter_table('plan_dataset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_dataset_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_dataset_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_review_comment',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=True),
    sa.Column('snapshot_number', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_plan_review_comment_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_review_comment_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_review_comment'))
    )
    with op.batch_alter_table('plan_review_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_review_comment_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_review_comment_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_snapshot',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_plan_snapshot_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_snapshot_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_snapshot')),
    sa.UniqueConstraint('plan_id', 'number', name='uq_plan_snapshot_number')
    )
    with op.batch_alter_table('plan_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_snapshot_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_snapshot_plan_id'), ['plan_id'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_snapshot_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_snapshot_created_by_id'))

    op.drop_table('plan_snapshot')
    with op.batch_alter_table('plan_review_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_review_comment_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_review_comment_author_id'))

    op.drop_table('plan_review_comment')
    with op.batch_alter_table('plan_dataset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_dataset_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_dataset_dataset_id'))

    op.drop_table('plan_dataset')
    with op.batch_alter_table('plan_contributor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_contributor_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_contributor_person_id'))

    op.drop_table('plan_contributor')
    with op.batch_alter_table('plan_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_answer_updated_by_id'))
        batch_op.drop_index(batch_op.f('ix_plan_answer_plan_id'))

    op.drop_table('plan_answer')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_updated')
        batch_op.drop_index('ix_plan_title')
        batch_op.drop_index(batch_op.f('ix_plan_template_version_id'))
        batch_op.drop_index(batch_op.f('ix_plan_status'))
        batch_op.drop_index(batch_op.f('ix_plan_project_id'))
        batch_op.drop_index(batch_op.f('ix_plan_created_by_id'))

    op.drop_table('plan')
    with op.batch_alter_table('plan_template_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_template_version_template_id'))
        batch_op.drop_index(batch_op.f('ix_plan_template_version_status'))
        batch_op.drop_index(batch_op.f('ix_plan_template_version_created_by_id'))

    op.drop_table('plan_template_version')
    with op.batch_alter_table('plan_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_template_title_sort'))
        batch_op.drop_index(batch_op.f('ix_plan_template_owner_unit_id'))

    op.drop_table('plan_template')

"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('addresses',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('lng', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('street', sa.String(length=64), nullable=True),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('xiaoqu', sa.String(length=64), nullable=True),
    sa.Column('building', sa.String(length=32), nullable=True),
    sa.Column('aliases', sa.Text(), nullable=False),
    sa.Column('community', sa.String(length=64), nullable=False),
    sa.Column('subdistrict', sa.String(length=64), nullable=False),
    sa.Column('subdistrict_code', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('address')
    )
    op.create_table('admission_cycles',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('dataset_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('districts',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('geometry', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('schools',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=256), nullable=False),
    sa.Column('lng', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('subdistrict', sa.String(length=64), nullable=False),
    sa.Column('feeds', sa.String(length=32), nullable=True),
    sa.Column('warning_cutoff', sa.Date(), nullable=True),
    sa.Column('plan', sa.JSON(), nullable=True),
    sa.Column('plan_middle', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('zone_sets',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=256), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('source_sha256', sa.String(length=64), nullable=True),
    sa.Column('sample', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('zone_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zone_sets_status'), ['status'], unique=False)
        batch_op.create_index('one_published_zone_set', ['status'], unique=True, sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))

    op.create_table('zones',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('zone_set_id', sa.String(length=64), nullable=False),
    sa.Column('zone_id', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('allocation', sa.String(length=16), nullable=False),
    sa.Column('school_codes', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('address_rules', sa.JSON(), nullable=False),
    sa.Column('geometry', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['zone_set_id'], ['zone_sets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('zone_set_id', 'zone_id')
    )
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zones_zone_set_id'), ['zone_set_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zones_zone_set_id'))

    op.drop_table('zones')
    with op.batch_alter_table('zone_sets', schema=None) as batch_op:
        batch_op.drop_index('one_published_zone_set', sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))
        batch_op.drop_index(batch_op.f('ix_zone_sets_status'))

    op.drop_table('zone_sets')
    op.drop_table('schools')
    op.drop_table('districts')
    op.drop_table('dataset_meta')
    op.drop_table('admission_cycles')
    op.drop_table('addresses')

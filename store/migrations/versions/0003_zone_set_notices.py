"""public notice of zone sets and its comments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('zone_set_notices',
    sa.Column('zone_set_id', sa.String(length=64), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['zone_set_id'], ['zone_sets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('zone_set_id')
    )
    op.create_table('zone_set_notice_comments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('zone_set_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('contact', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['zone_set_id'], ['zone_sets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('zone_set_notice_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zone_set_notice_comments_zone_set_id'),
                              ['zone_set_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('zone_set_notice_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zone_set_notice_comments_zone_set_id'))
    op.drop_table('zone_set_notice_comments')
    op.drop_table('zone_set_notices')

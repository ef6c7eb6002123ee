"""admission results families look up

Revision ID: 0008_admission_results
Revises: 0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_admission_results'
down_revision = '0007_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admission_results',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('registration_no', sa.String(length=32), nullable=False),
    sa.Column('id_digest', sa.String(length=64), nullable=False),
    sa.Column('masked_name', sa.String(length=32), nullable=False),
    sa.Column('result', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('notice_no', sa.String(length=32), nullable=True),
    sa.Column('school', sa.String(length=128), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'registration_no', name='uq_admission_results_year_registration')
    )


def downgrade() -> None:
    op.drop_table('admission_results')

"""background validation jobs of staff zone uploads

Revision ID: 0009_validation_jobs
Revises: 0008_admission_results
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_validation_jobs'
down_revision = '0008_admission_results'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('validation_jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('upload_token', sa.String(length=32), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('against', sa.String(length=64), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('message_params', sa.JSON(), nullable=True),
    sa.Column('zones', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_validation_jobs_upload_token'), 'validation_jobs',
                    ['upload_token'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_validation_jobs_upload_token'), table_name='validation_jobs')
    op.drop_table('validation_jobs')

"""certificates: attendance certificates signed by the network's key

Revision ID: 0022_certificates
Revises: 0020_eductours
Create Date: 2026-12-05 02:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0022_certificates'
down_revision = '0020_eductours'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('serial', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('programme_id', sa.Integer(), nullable=True),
        sa.Column('holder_name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('lines', sa.JSON(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('issuer_label', sa.String(length=200), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('kid', sa.String(length=64), nullable=False),
        sa.Column('signature', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_certificates_issued_by_id_users')),
        sa.ForeignKeyConstraint(['programme_id'], ['eductour_programmes.id'],
                                name=op.f('fk_certificates_programme_id_eductour_programmes')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
        sa.UniqueConstraint('serial', name=op.f('uq_certificates_serial')),
        sa.UniqueConstraint('user_id', 'programme_id', name='one_per_agent_and_programme'),
    )


def downgrade():
    op.drop_table('certificates')

"""partners: the listing fields corrected by hand, which an import of the flux leaves alone

Revision ID: 0019_hand_edited
Revises: 0018_typed_identity
Create Date: 2026-12-04 22:45:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0019_hand_edited'
down_revision = '0018_typed_identity'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hand_edited', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('hand_edited')

"""typed pass numbers past the account's limit: recorded without naming the holder

Revision ID: 0018_typed_identity
Revises: 0017_answer_seen
Create Date: 2026-12-04 22:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0018_typed_identity'
down_revision = '0017_answer_seen'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity_withheld', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_column('identity_withheld')

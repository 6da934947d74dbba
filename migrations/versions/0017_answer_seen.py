"""the agent is told of the network's answer to a report: a badge until their page shows it

Answers given before this revision count as seen (no badge for old news).

Revision ID: 0017_answer_seen
Revises: 0014_mail_outbox
Create Date: 2026-12-04 22:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0017_answer_seen'
down_revision = '0014_mail_outbox'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports') as batch:
        batch.add_column(sa.Column('answer_seen_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE reports SET answer_seen_at = answered_at WHERE answered_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('reports') as batch:
        batch.drop_column('answer_seen_at')

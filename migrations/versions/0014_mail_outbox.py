"""mail leaves the request: a queue sent by `flask send-mail`; reports reach the network in a digest

Reports already received are marked as told, so the first digest does not send them again.

Revision ID: 0014_mail_outbox
Revises: 0013_conflict_review
Create Date: 2026-12-04 20:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0014_mail_outbox'
down_revision = '0013_conflict_review'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('log_as', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('sent_event', sa.String(length=60), nullable=True),
        sa.Column('sent_event_actor_id', sa.Integer(), nullable=True),
        sa.Column('sent_event_user_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['sent_event_actor_id'], ['users.id'],
                                name=op.f('fk_mail_outbox_sent_event_actor_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['sent_event_user_id'], ['users.id'],
                                name=op.f('fk_mail_outbox_sent_event_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')))
    op.create_index('ix_mail_outbox_pending', 'mail_outbox', ['sent_at', 'next_attempt_at'], unique=False)
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notified_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_notified_at'), ['notified_at'], unique=False)
    op.execute("UPDATE reports SET notified_at = received_at")


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_notified_at'))
        batch_op.drop_column('notified_at')
    op.drop_index('ix_mail_outbox_pending', table_name='mail_outbox')
    op.drop_table('mail_outbox')

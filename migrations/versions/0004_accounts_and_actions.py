"""Platform-neutral identity and actions: a conversation belongs to a brand
account as well as a platform (unique keys include it), may be private (a DM
thread), and an outbox row says what it is (reply, private, like, unlike) and
whom it targets; the idempotency key carries the kind.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _brand_account(platform: str) -> str:
    """The account a pre-0004 database polled: its poll cursor key is
    '<platform>:<account id>' (there was one account per platform)."""
    row = op.get_bind().execute(sa.text("SELECT key FROM poll_cursor WHERE key LIKE :p ORDER BY key"),
                                {"p": f"{platform}:%"}).first()
    return row[0].split(":")[1] if row else ""


def upgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('private', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('reply_privately_by', sa.String(length=32), nullable=True))
        batch_op.drop_index('ix_conversation_customer')
        batch_op.create_index('ix_conversation_customer', ['platform', 'account', 'customer_id', 'private',
                                                           'status'], unique=False)
    with op.batch_alter_table('conversation_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=64), server_default='', nullable=False))
        batch_op.drop_constraint('uq_conversation_key', type_='unique')
        batch_op.create_unique_constraint('uq_conversation_key', ['platform', 'account', 'external_thread_id'])
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=64), server_default='', nullable=False))
        batch_op.drop_constraint('uq_message_external', type_='unique')
        batch_op.create_unique_constraint('uq_message_external', ['platform', 'account', 'external_id'])
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='reply', nullable=False))
        batch_op.alter_column('in_reply_to', new_column_name='target', existing_type=sa.String(length=128),
                              existing_nullable=False)
    with op.batch_alter_table('poll_cursor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_at', sa.DateTime(), nullable=True))
    x_account = _brand_account("x")
    for table in ("conversation", "conversation_key", "message"):
        op.execute(sa.text(f"UPDATE {table} SET account = :a WHERE platform = 'x'").bindparams(a=x_account))
    op.execute(sa.text("UPDATE outbox SET idempotency_key = idempotency_key || :kind").bindparams(kind=":reply"))


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE kind <> 'reply'")
    op.execute("UPDATE outbox SET idempotency_key = substr(idempotency_key, 1, length(idempotency_key) - 6)")
    with op.batch_alter_table('poll_cursor', schema=None) as batch_op:
        batch_op.drop_column('webhook_at')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('target', new_column_name='in_reply_to', existing_type=sa.String(length=128),
                              existing_nullable=False)
        batch_op.drop_column('kind')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint('uq_message_external', type_='unique')
        batch_op.create_unique_constraint('uq_message_external', ['platform', 'external_id'])
        batch_op.drop_column('account')
    with op.batch_alter_table('conversation_key', schema=None) as batch_op:
        batch_op.drop_constraint('uq_conversation_key', type_='unique')
        batch_op.create_unique_constraint('uq_conversation_key', ['platform', 'external_thread_id'])
        batch_op.drop_column('account')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_customer')
        batch_op.create_index('ix_conversation_customer', ['platform', 'customer_id', 'status'], unique=False)
        batch_op.drop_column('reply_privately_by')
        batch_op.drop_column('private')
        batch_op.drop_column('account')

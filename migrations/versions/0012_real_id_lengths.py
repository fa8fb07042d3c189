"""Room for the ids platforms really send (an Instagram message id is about
164 characters, and an edit's key adds its time) and for long links; and
message.name_pending: the author's name is looked up after the webhook answered

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# table → (column, before, after, nullable)
WIDER = {
    'conversation': [('account', 64, 128, False), ('customer_id', 64, 128, False)],
    'conversation_key': [('account', 64, 128, False), ('external_thread_id', 128, 512, False)],
    'message': [('account', 64, 128, False), ('external_id', 128, 512, True), ('external_url', 512, 2048, True),
                ('author_id', 64, 128, False)],
    'outbox': [('target', 128, 512, False), ('external_id', 128, 512, True)],
    'poll_cursor': [('cursor', 256, 1024, True)],
}


def _alter(widen: bool) -> None:
    for table, columns in WIDER.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, before, after, nullable in columns:
                old, new = (before, after) if widen else (after, before)
                batch_op.alter_column(name, existing_type=sa.String(length=old), type_=sa.String(length=new),
                                      existing_nullable=nullable)


def upgrade() -> None:
    _alter(widen=True)
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_pending', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('name_pending')
    _alter(widen=False)

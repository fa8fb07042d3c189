"""An index on outbox (conversation_id, id): a root's repaint, the composer's
cancelled reply and a replaced public reply look up one conversation's rows;
without it each read every reply ever sent (the outbox is never pruned).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0023'
down_revision: Union[str, Sequence[str], None] = '0022'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_outbox_conversation', 'outbox', ['conversation_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outbox_conversation', table_name='outbox')

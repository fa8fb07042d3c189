"""composing: who has the composer (the ✍️ Reply modal) open for which
conversation, until when — the root's "✍️ <name> is writing"

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: Union[str, Sequence[str], None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'composing',
        sa.Column('view_id', sa.String(length=32), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.String(length=32), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('until', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('view_id'),
    )
    op.create_index(op.f('ix_composing_conversation_id'), 'composing', ['conversation_id'], unique=False)
    op.create_index(op.f('ix_composing_until'), 'composing', ['until'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_composing_until'), table_name='composing')
    op.drop_index(op.f('ix_composing_conversation_id'), table_name='composing')
    op.drop_table('composing')

"""conversation_label: labels staff put on a conversation (`/social label #42
refund`), one row per label, indexed by name for `/social queue label:NAME`
and the report's breakdown

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'conversation_label',
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('added_by', sa.String(length=64), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('conversation_id', 'name'),
    )
    op.create_index('ix_conversation_label_name', 'conversation_label', ['name'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_conversation_label_name', table_name='conversation_label')
    op.drop_table('conversation_label')

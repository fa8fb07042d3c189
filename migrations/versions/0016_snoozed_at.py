"""conversation.snoozed_at: when the current snooze began, so a snooze ends
when the customer wrote (not when a poll found the post) without ever ending
before it began; a conversation snoozed before the upgrade has none and ends
its snooze as before

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('conversation') as batch:
        batch.add_column(sa.Column('snoozed_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversation') as batch:
        batch.drop_column('snoozed_at')

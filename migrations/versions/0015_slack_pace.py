"""slack_pace: Slack's posting turns per channel, shared by every process, so
replicas together keep to Slack's per-channel limit instead of each to its own

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'slack_pace',
        sa.Column('channel', sa.String(length=64), nullable=False),
        sa.Column('due', sa.Float(), nullable=False),
        sa.Column('paced_until', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('channel'),
    )


def downgrade() -> None:
    op.drop_table('slack_pace')

"""Listening (LISTEN_TERMS): message.listened marks a post found by a search
— the customer named the brand without tagging it — and listen_reads counts
the posts searches read per platform and UTC day (X bills each; a daily cap)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: Union[str, Sequence[str], None] = '0021'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('message') as batch:
        batch.add_column(sa.Column('listened', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('listen_reads',
                    sa.Column('platform', sa.String(length=32), nullable=False),
                    sa.Column('day', sa.String(length=10), nullable=False),
                    sa.Column('reads', sa.Integer(), server_default='0', nullable=False),
                    sa.PrimaryKeyConstraint('platform', 'day'))


def downgrade() -> None:
    op.drop_table('listen_reads')
    with op.batch_alter_table('message') as batch:
        batch.drop_column('listened')

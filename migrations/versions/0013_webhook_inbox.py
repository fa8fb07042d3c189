"""webhook_inbox: a signed delivery is kept until its posts are recorded, so
the platform is answered at once whatever the batch size

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'webhook_inbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('route', sa.String(length=32), nullable=False),
        sa.Column('sources', sa.String(length=512), nullable=False),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('lease_until', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('webhook_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_inbox_lease_until'), ['lease_until'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('webhook_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_inbox_lease_until'))
    op.drop_table('webhook_inbox')

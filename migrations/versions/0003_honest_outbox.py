"""outbox: a "not sent" notice owed to the thread (posted exactly once), and
whether an earlier attempt may have reached the platform; message: parked posts

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uncertain_since', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('notice_due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('notice_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_outbox_notice_due', ['notice_due_at'], unique=False)
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parked_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('parked_reason')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_notice_due')
        batch_op.drop_column('notice_attempts')
        batch_op.drop_column('notice_due_at')
        batch_op.drop_column('uncertain_since')

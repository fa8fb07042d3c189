"""conversation.priority_reason: why socialdesk raised the priority from the
customer's words (shown on the root); conversation.priority_by_staff: a person
chose it, and the words never change it again

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('priority_by_staff', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('priority_by_staff')
        batch_op.drop_column('priority_reason')

"""outbox.check_findings: what REPLY_CHECK found in a reply (held, or sent with a
warning, or sent anyway — the audit names who overrode it); outbox.sent_text:
the exact text the platform accepted, which an edit before sending may have
changed from what was first typed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_findings', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sent_text', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('sent_text')
        batch_op.drop_column('check_findings')

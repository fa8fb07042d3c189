"""message.private: a post that came privately (a DM — also one that answers a
private reply and so joins the public conversation's thread); message.attachments:
the customer's images, stickers and files (JSON), shown in Slack

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('private', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('attachments', sa.Text(), nullable=True))
    op.execute("UPDATE message SET private = (SELECT c.private FROM conversation c "
               "WHERE c.id = message.conversation_id)")


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('attachments')
        batch_op.drop_column('private')

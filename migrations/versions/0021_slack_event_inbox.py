"""slack_event keeps a message event's envelope until it is recorded: the ack
of a staff reply is one INSERT, the rest is done after it (or by the next
recovery pass when the process stopped in between)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: Union[str, Sequence[str], None] = '0020'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('slack_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_slack_event_lease_until'), ['lease_until'], unique=False)


def downgrade() -> None:
    # A kept envelope not recorded yet would be lost with its column: refuse rather than drop it.
    bind = op.get_bind()
    waiting = bind.execute(sa.text("SELECT count(*) FROM slack_event WHERE body IS NOT NULL")).scalar()
    if waiting:
        raise RuntimeError(f"{waiting} Slack event(s) kept but not recorded yet: run `socialdesk web` or "
                           "`socialdesk poll` once to record them, then downgrade")
    with op.batch_alter_table('slack_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slack_event_lease_until'))
        batch_op.drop_column('attempts')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('body')

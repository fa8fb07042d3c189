"""job_claim: a scheduled job's claim on one run (the weekly report) gets its
own table instead of a row among the processed Slack event ids; claims already
in slack_event move over (`<key>:posted` becomes done_at)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PREFIX = 'weekly-report:'
POSTED = ':posted'


def upgrade() -> None:
    job_claim = op.create_table(
        'job_claim',
        sa.Column('key', sa.String(length=96), nullable=False),
        sa.Column('owner', sa.String(length=64), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=False),
        sa.Column('done_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    bind = op.get_bind()
    slack_event = sa.table('slack_event', sa.column('event_id', sa.String), sa.column('received_at', sa.DateTime))
    rows = bind.execute(sa.select(slack_event.c.event_id, slack_event.c.received_at)
                        .where(slack_event.c.event_id.startswith(PREFIX, autoescape=True))).all()
    posted = {event_id[:-len(POSTED)]: at for event_id, at in rows if event_id.endswith(POSTED)}
    claims = [{'key': event_id, 'owner': 'slack_event', 'claimed_at': at, 'done_at': posted.get(event_id)}
              for event_id, at in rows if not event_id.endswith(POSTED)]
    if claims:
        op.bulk_insert(job_claim, claims)
    bind.execute(sa.delete(slack_event).where(slack_event.c.event_id.startswith(PREFIX, autoescape=True)))


def downgrade() -> None:
    bind = op.get_bind()
    job_claim = sa.table('job_claim', sa.column('key', sa.String), sa.column('claimed_at', sa.DateTime),
                         sa.column('done_at', sa.DateTime))
    rows = bind.execute(sa.select(job_claim.c.key, job_claim.c.claimed_at, job_claim.c.done_at)
                        .where(job_claim.c.key.startswith(PREFIX, autoescape=True))).all()
    events = [{'event_id': key, 'received_at': claimed_at} for key, claimed_at, _ in rows]
    events += [{'event_id': key + POSTED, 'received_at': done_at} for key, _, done_at in rows if done_at is not None]
    if events:
        slack_event = sa.table('slack_event', sa.column('event_id', sa.String), sa.column('received_at', sa.DateTime))
        op.bulk_insert(slack_event, events)
    op.drop_table('job_claim')

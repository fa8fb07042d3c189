"""alarm: one table for every timed alarm of a conversation (the SLA levels
warn, breach, escalate today; a messaging window about to close next), so a
new kind needs no new columns; the six per-level columns of conversation go

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LEVELS = (("warn", "warn_at", "warned_at"), ("breach", "breach_at", "breached_at"),
          ("escalate", "escalate_at", "escalated_at"))


def upgrade() -> None:
    op.create_table(
        'alarm',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=True),
        sa.Column('fired_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('conversation_id', 'kind', name='uq_alarm_kind'),
    )
    op.create_index('ix_alarm_due', 'alarm', ['kind', 'due_at'], unique=False)
    for kind, pending, fired in LEVELS:
        op.execute(sa.text(f"INSERT INTO alarm (conversation_id, kind, due_at, fired_at) "
                           f"SELECT id, :kind, {pending}, {fired} FROM conversation "
                           f"WHERE {pending} IS NOT NULL OR {fired} IS NOT NULL").bindparams(kind=kind))
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_warn')
        batch_op.drop_index('ix_conversation_breach')
        batch_op.drop_index('ix_conversation_escalate')
        for _kind, pending, fired in LEVELS:
            batch_op.drop_column(pending)
            batch_op.drop_column(fired)


def downgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        for _kind, pending, fired in LEVELS:
            batch_op.add_column(sa.Column(pending, sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column(fired, sa.DateTime(), nullable=True))
        batch_op.create_index('ix_conversation_warn', ['warn_at'], unique=False)
        batch_op.create_index('ix_conversation_breach', ['breach_at'], unique=False)
        batch_op.create_index('ix_conversation_escalate', ['escalate_at'], unique=False)
    for kind, pending, fired in LEVELS:
        op.execute(sa.text(f"UPDATE conversation SET {pending} = (SELECT due_at FROM alarm WHERE "
                           f"alarm.conversation_id = conversation.id AND kind = :kind), {fired} = (SELECT fired_at "
                           f"FROM alarm WHERE alarm.conversation_id = conversation.id AND kind = :kind)")
                   .bindparams(kind=kind))
    op.drop_index('ix_alarm_due', table_name='alarm')
    op.drop_table('alarm')

"""message.rating, message.title, message.location: a review's stars (1–5), its
headline and the business location it is about, shown on its root and on a
revision in its thread; none for a post that is not a review

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('message') as batch:
        batch.add_column(sa.Column('rating', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('title', sa.String(length=512), nullable=True))
        batch.add_column(sa.Column('location', sa.String(length=256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('message') as batch:
        batch.drop_column('location')
        batch.drop_column('title')
        batch.drop_column('rating')

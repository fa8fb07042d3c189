"""Typed SQLAlchemy models. Every id that crosses a boundary sits under a unique
constraint, so a duplicate thread, message or reply is impossible by construction."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, TypeDecorator,
                        UniqueConstraint, false)
from sqlalchemy.orm import DeclarativeBase, Mapped, attribute_keyed_dict, mapped_column, relationship


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite has no time zones), hands back aware UTC."""
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


def _alarm_attribute(kind: str, field: str) -> property:
    """conv.warn_at and friends, kept in the conversation's Alarm rows."""
    def get(conv):
        alarm = conv.alarms.get(kind)
        return getattr(alarm, field) if alarm is not None else None

    def set_(conv, value):
        alarm = conv.alarms.get(kind)
        if alarm is None:
            if value is None:
                return
            alarm = conv.alarms[kind] = Alarm(kind=kind)
        setattr(alarm, field, value)
    return property(get, set_)


# Conversation states. "open" means anything but resolved.
WAITING, ANSWERED, SNOOZED, RESOLVED = "waiting", "answered", "snoozed", "resolved"


class Conversation(Base):
    __tablename__ = "conversation"
    __table_args__ = (
        UniqueConstraint("slack_channel", "slack_root_ts", name="uq_conversation_root"),
        Index("ix_conversation_customer", "platform", "account", "customer_id", "private", "status"),
        Index("ix_conversation_snoozed", "snoozed_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    # The brand's account on the platform (X user id, Page id, Instagram
    # account id): page-scoped ids of two accounts never meet in one conversation.
    account: Mapped[str] = mapped_column(String(128), default="", server_default="")
    # A private channel (a DM thread): staff replies go out as private messages.
    private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set by "Reply privately": this person's next thread message goes privately.
    reply_privately_by: Mapped[str | None] = mapped_column(String(32))
    customer_id: Mapped[str] = mapped_column(String(128))
    customer_handle: Mapped[str] = mapped_column(String(128))
    customer_name: Mapped[str | None] = mapped_column(String(256))
    slack_channel: Mapped[str] = mapped_column(String(32))
    slack_root_ts: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=WAITING)
    assignee: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    # Why socialdesk raised it from the customer's words (bot.rules.urgency), shown on
    # the root; once a person sets the priority, the words never change it.
    priority_reason: Mapped[str | None] = mapped_column(String(200))
    priority_by_staff: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The clock: waiting_since is the platform time of the first unanswered post.
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Its alarms by kind (bot.store.models.Alarm), always loaded with it.
    alarms: Mapped[dict[str, "Alarm"]] = relationship(
        collection_class=attribute_keyed_dict("kind"), cascade="all, delete-orphan", lazy="selectin")
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the current snooze began: a customer post written before it does not end it earlier.
    snoozed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Business seconds left on the clock when snoozed, so the wait resumes, not restarts.
    paused_remaining_s: Mapped[int | None] = mapped_column(Integer)
    posts_in_wait: Mapped[int] = mapped_column(Integer, default=0)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_s: Mapped[int | None] = mapped_column(Integer)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def is_open(self) -> bool:
        return self.status != RESOLVED

    # The SLA levels as attributes: the pending time of each (None once fired
    # or disarmed) and when it was sent in this wait.
    warn_at = _alarm_attribute("warn", "due_at")
    breach_at = _alarm_attribute("breach", "due_at")
    escalate_at = _alarm_attribute("escalate", "due_at")
    warned_at = _alarm_attribute("warn", "fired_at")
    breached_at = _alarm_attribute("breach", "fired_at")
    escalated_at = _alarm_attribute("escalate", "fired_at")
    # A messaging window about to close (Messenger: 24 h after the customer wrote).
    window_at = _alarm_attribute("window", "due_at")
    window_warned_at = _alarm_attribute("window", "fired_at")
    # Its labels (bot.desk.labels), shown on the root, loaded with it.
    labels: Mapped[list["ConversationLabel"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ConversationLabel.name")


class Alarm(Base):
    """One timed alarm of a conversation, of any kind (the SLA levels warn,
    breach and escalate; later kinds such as a messaging window about to
    close): a new kind needs no new columns. due_at is set while pending and
    cleared when it fires, so the sweep is an index range scan on (kind, due_at)
    whose cost follows due alarms, not open conversations."""
    __tablename__ = "alarm"
    __table_args__ = (UniqueConstraint("conversation_id", "kind", name="uq_alarm_kind"),
                      Index("ix_alarm_due", "kind", "due_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # sent in the current wait


class ConversationLabel(Base):
    """A label staff put on a conversation (`/social label #42 refund`): one
    row per label, so adding it twice is one row and `label:NAME` is an index scan."""
    __tablename__ = "conversation_label"
    __table_args__ = (Index("ix_conversation_label_name", "name"),)

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConversationKey(Base):
    """Platform thread ids feeding one conversation (repeat posts collapse)."""
    __tablename__ = "conversation_key"
    __table_args__ = (UniqueConstraint("platform", "account", "external_thread_id", name="uq_conversation_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(128), default="", server_default="")
    external_thread_id: Mapped[str] = mapped_column(String(512))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))


IN, OUT, NOTE = "in", "out", "note"


class Message(Base):
    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("platform", "account", "external_id", name="uq_message_external"),
        UniqueConstraint("slack_channel", "slack_ts", name="uq_message_slack"),
        Index("ix_message_conversation", "conversation_id", "id"),
        Index("ix_message_unposted", "direction", "slack_ts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(8))
    platform: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(128), default="", server_default="")
    external_id: Mapped[str | None] = mapped_column(String(512))
    external_url: Mapped[str | None] = mapped_column(String(2048))
    slack_channel: Mapped[str] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    author_id: Mapped[str] = mapped_column(String(128))
    author_handle: Mapped[str | None] = mapped_column(String(128))
    author_name: Mapped[str | None] = mapped_column(String(256))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # platform time
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Posting an inbound message to Slack: claimed by one process at a time; a
    # second attempt first looks the message up in Slack by its metadata.
    publish_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publish_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Why Slack refused to show this post for good (e.g. invalid_blocks): it is
    # parked — shown as a short notice with a link to the original instead of
    # being retried in a form Slack will never take, so it blocks nobody.
    parked_reason: Mapped[str | None] = mapped_column(Text)
    # "edited" / "removed": the customer changed an earlier post; shown in the
    # thread, never a new wait and never what a reply answers.
    change: Mapped[str | None] = mapped_column(String(16))
    # Came privately (a DM): answered privately, even in a public conversation's thread.
    private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The customer's images, stickers and files: JSON [{"kind", "url", "name"}].
    attachments: Mapped[str | None] = mapped_column(Text)
    # author_handle is a stand-in until the platform tells the name (looked up
    # after the webhook was answered, before the post goes to Slack).
    name_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A review's stars (1–5), headline and the business location it is about
    # (None for posts that are not reviews): shown on the root and on a revision.
    rating: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(512))
    location: Mapped[str | None] = mapped_column(String(256))
    listened: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # a 👂 listening match

PENDING, SENDING, SENT, FAILED, CANCELLED = "pending", "sending", "sent", "failed", "cancelled"
HELD = "held"  # REPLY_CHECK found something: waits for its author's Send anyway / Send privately / Cancel

class Outbox(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_outbox_idempotency"),
        Index("ix_outbox_due", "state", "next_attempt_at"),
        Index("ix_outbox_notice_due", "notice_due_at"),
        Index("ix_outbox_conversation", "conversation_id", "id"),  # one conversation's replies: never pruned (0023)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(96))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    # What it is (adapters.base.ActionKind: reply, private, like, unlike) and
    # whom it targets on the platform — chosen by the adapter (the post replied
    # to, the customer messaged privately, the post liked).
    kind: Mapped[str] = mapped_column(String(16), default="reply", server_default="reply")
    target: Mapped[str] = mapped_column(String(512))
    slack_text: Mapped[str] = mapped_column(Text)  # as typed in Slack; made plain at send time
    staff_user: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(512))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Since when an earlier attempt may have reached the platform (a timeout, a
    # 5xx, a process killed mid-send): look for it there before any new send.
    uncertain_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The ⚠️ "not sent" notice this row owes its thread; cleared once Slack has
    # it, so it is posted exactly once through lost answers and restarts.
    notice_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What REPLY_CHECK found (one line per finding), and the exact text the
    # platform accepted — the audit trail's record of what went out.
    check_findings: Mapped[str | None] = mapped_column(Text)
    sent_text: Mapped[str | None] = mapped_column(Text)


class PollCursor(Base):
    """Per platform/account: where polling stands and when it may run again."""
    __tablename__ = "poll_cursor"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(1024))
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Last signed webhook event for this account: polling slows to a safety net.
    webhook_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RateWindow(Base):
    """A platform operation whose rate-limit window is closed until not_before."""
    __tablename__ = "rate_window"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)


class SlackEvent(Base):
    """Slack event ids seen (Slack retries, Bolt does not dedupe). A message
    event is acked once its envelope is kept here (body, leased to the process
    that acked it); body is cleared in the transaction that records it, so a
    row with a body and a lapsed lease is one a stopped process never did."""
    __tablename__ = "slack_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class JobClaim(Base):
    """A scheduled job's claim on one run (`weekly-report:<Monday>`): the first
    worker to insert the row runs it, so it runs once with any number of
    workers. A claim is a lease: one older than DELIVERY_LEASE whose run never
    finished (done_at unset) is taken over. Slack event ids are not mixed in."""
    __tablename__ = "job_claim"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SlackPace(Base):
    """Slack's posting turns for one channel, shared by every process that
    posts there (bot.slack.shared_pace): Slack's limit of about one
    chat.postMessage a second is per channel, whichever replica asks. Times
    are wall-clock seconds (epoch), the clock every process agrees on."""
    __tablename__ = "slack_pace"

    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    due: Mapped[float] = mapped_column(Float)  # the channel's next free turn (GCRA's theoretical time)
    paced_until: Mapped[float] = mapped_column(Float)  # until then posts wait their turn; after, they go at once


class Audit(Base):
    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_conversation", "conversation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    conversation_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)


class Credential(Base):
    """A token a platform renewed for us (Instagram Login, 60 days): every
    process uses the newest one, whichever worker refreshed it."""
    __tablename__ = "credential"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)   # the adapter's account_key
    token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookResult(Base):
    """Webhook deliveries by route and result (accepted, nothing_new, unsigned,
    malformed, …), counted in the database so /metrics is the same whichever
    web process answers."""
    __tablename__ = "webhook_result"

    route: Mapped[str] = mapped_column(String(32), primary_key=True)
    result: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class WebhookInbox(Base):
    """A signed webhook delivery, kept from the moment it is accepted until its
    posts are recorded. The platform gets its answer as soon as this row is
    committed — a batch of 1,000 entries is one insert, not 1,000 records — and
    a process that dies before recording them leaves the row for the next
    pass (the posts' own unique keys make a second recording change nothing)."""
    __tablename__ = "webhook_inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route: Mapped[str] = mapped_column(String(32))
    sources: Mapped[str] = mapped_column(String(512))   # the platforms whose signature matched ("facebook,instagram")
    body: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


class SavedReply(Base):
    """A saved reply staff send with `!name` in a thread (bot.rules.saved_replies);
    its text is Slack markup with `{variables}`, expanded once when a call is
    settled and never again."""
    __tablename__ = "saved_reply"
    __table_args__ = (UniqueConstraint("name", name="uq_saved_reply_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    private_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Composing(Base):
    """Someone has the composer open for a conversation (its root says
    "✍️ <name> is writing"): one row per open modal, gone on submit or close,
    and ignored (then swept) once `until` has passed — a modal Slack never
    told us was closed must not say so forever."""
    __tablename__ = "composing"

    view_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    until: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

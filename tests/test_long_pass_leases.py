"""A claim taken late in a long pass is leased from the clock, not from when
the pass began. Found by the scale test on a slow host: a worker's publish pass
had been running longer than DELIVERY_LEASE when it claimed a newcomer's post;
the claim was born expired, another worker took it over while the first was
still posting it, and the customer's root appeared twice. Here replica A's
pass began a lease and a second ago, before the post or reply arrived; while its post or reply is in flight,
replica B runs a pass of its own now and must find nothing to do."""
from __future__ import annotations

import threading
from sqlalchemy import select

from adapters.base import InboundPost
from bot.inbound.ingest import publish_unposted
from bot.inbound.poll import poll
from bot.inbound.record import record_post
from bot.outbound.deliver import deliver
from bot.outbound.relay import record_staff_message
from bot.store.models import Conversation
from tests.helpers import roots


def _meanwhile(run_a, hook_owner, hook_name: str, run_b) -> tuple:
    """Run A until its platform call is in flight, run B then, let A finish: (A's answer, B's answer)."""
    in_flight, b_done, answers = threading.Event(), threading.Event(), {}

    def hold(_item):
        setattr(hook_owner, hook_name, None)
        in_flight.set()
        b_done.wait(30)
    setattr(hook_owner, hook_name, hold)
    a = threading.Thread(target=lambda: answers.setdefault("a", run_a()))
    a.start()
    assert in_flight.wait(30), "A never reached the platform"
    answers["b"] = run_b()
    b_done.set()
    a.join(30)
    return answers["a"], answers["b"]


def test_a_post_claimed_late_in_a_long_publish_pass_is_not_posted_again(make_deps, clock, slack_state):
    replica_a, replica_b = make_deps(), make_deps()
    post = InboundPost("x", "9201", "9201", "77", "@dee", "Dee", "@acme_support help", clock(), None, "X")
    began = clock()
    with replica_a.sessions() as session:
        record_post(session, replica_a.channel, replica_a, post, began)
        session.commit()
    clock.advance(seconds=replica_a.settings.delivery_lease.total_seconds() + 1)
    a, b = _meanwhile(lambda: publish_unposted(replica_a, began), slack_state, "on_post",
                      lambda: publish_unposted(replica_b, clock()))
    assert (a, b) == (1, 0) and len(roots(slack_state)) == 1


def test_a_reply_claimed_late_in_a_long_deliver_pass_is_not_taken_over(make_deps, clock, x_state, slack_state):
    replica_a, replica_b = make_deps(), make_deps()
    tweet = x_state.customer_mentions("eve", "@acme_support my order?")
    poll(replica_a, clock())
    with replica_a.sessions() as session:
        conv = session.scalars(select(Conversation)).one()
        record_staff_message(session, replica_a, conv.slack_channel, conv.slack_root_ts, "9000001.000100",
                             "U0ALICE", "Hi Eve, it left today.", clock())
        session.commit()
    began = clock()
    clock.advance(seconds=replica_a.settings.delivery_lease.total_seconds() + 1)
    a, b = _meanwhile(lambda: deliver(replica_a, began), x_state, "on_create", lambda: deliver(replica_b, clock()))
    assert a.sent == 1 and (b.sent, b.checking, b.failed, b.unconfirmed) == (0, 0, 0, 0), b.describe()
    [reply] = x_state.created_replies
    assert {"type": "replied_to", "id": tweet["id"]} in reply["referenced_tweets"]

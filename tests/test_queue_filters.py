"""`/social queue` narrowed by priority, `mine`, platform and label, through signed slash commands (bot/desk/
queue_filter.py). A new user's trial (2026-12-07) typed `/social queue mine` and `/social queue urgent` and was told
the command "takes no arguments"."""
from __future__ import annotations

from tests.test_labels import _command, _customers


def test_the_queue_narrows_by_priority_mine_platform_and_label_in_any_order(bot, deps, clock, x_state):
    x_state.customer_mentions("dee", "@acme_support my e-bike battery is smoking and melted the plug", created_at=clock())
    ids = _customers(deps, clock, x_state, "ann", "bo", "cy")  # one poll for all four
    _command(bot, f"assign #{ids['ann']} <@U0ALICE>")
    _command(bot, f"assign #{ids['bo']} <@U0BOB>")
    _command(bot, f"label #{ids['ann']} refund")
    mine = _command(bot, "queue mine")
    assert mine.splitlines()[0] == "*Waiting on us — assigned to you*" and "@ann" in mine and "@bo" not in mine
    assert "@bo" in _command(bot, "queue mine", user="U0BOB")
    urgent = _command(bot, "queue URGENT")
    assert urgent.splitlines()[0] == "*Waiting on us — urgent priority*" and "@dee" in urgent and "@ann" not in urgent
    assert _command(bot, "queue x mine label:refund").splitlines()[0] == (
        "*Open with the label `refund` — X · assigned to you*")
    assert "@ann" in _command(bot, "queue label:refund X me")
    assert _command(bot, "queue high") == "*Waiting on us — high priority*: none 🎉"
    assert _command(bot, "queue instagram").startswith("`/social queue` narrows by `label:NAME`, a priority")


def test_a_word_the_queue_does_not_know_is_said_in_one_line(bot, carol):
    answer = _command(bot, "queue overdue")
    assert answer.startswith("`/social queue` narrows by `label:NAME`, a priority (`urgent`, `high`, `normal`, `low`), "
                             "`mine` or a platform (`x`") and answer.endswith("`overdue` is none of them.")
    assert "\n" not in answer
    assert _command(bot, "queue urgent low") == "`/social queue` takes one priority: `low` is a second."
    assert "is not a label name" in _command(bot, "queue label:Re*fund")

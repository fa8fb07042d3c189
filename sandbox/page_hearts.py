"""What the demo page's ❤️ and 🙈 buttons say on a customer's message: the name
the product's own adapter gives a ❤️ on that kind of message (Liker.heart: "Like
on X", "React on Messenger") and whether a 🙈 hides it there (Hider: "Hide on
Threads"), or that the reaction stays among colleagues (the bot sends nothing
to the platform and logs why, in one line). Which kind of
message it is, the page learns from the emulators holding it: a DM or
Messenger message is private, anything else public."""
from __future__ import annotations

from adapters.base import PostRef, heart_for, hide_problem
from adapters.registry import PLATFORMS
from sandbox.page_bluesky import private_ids

COLLEAGUES_ONLY = "(colleagues only)"


def _private_ids(x, graph, bluesky) -> set[str]:
    found = {e["id"] for e in x.dm_events}
    if bluesky is not None:
        found |= private_ids(bluesky)
    if graph is not None:
        found |= {m["id"] for msgs in graph.messages.values() for m in msgs}
        found |= {m["id"] for msgs in graph.ig_messages.values() for m in msgs}
    return found


def reaction_labels(x, graph, bluesky=None):
    """A function from a customer post's Slack marker ({platform, external_id})
    to its buttons' words ({"heart", "hide"}), with the emulators' private ids read once."""
    private = _private_ids(x, graph, bluesky)
    # heart() needs neither settings nor network: an adapter not built from settings can answer it.
    adapters = {p.name: object.__new__(p.build) for p in PLATFORMS if isinstance(p.build, type)}
    from adapters.bluesky import BlueskyAdapter  # built on demand (its SDK is slow to import); the sandbox has it
    adapters["bluesky"] = object.__new__(BlueskyAdapter)

    def labels(marker: dict) -> dict:
        external_id = str(marker.get("external_id", ""))
        post = PostRef(external_id, "", external_id.split("#")[0] in private)
        adapter = adapters.get(marker.get("platform"))
        hides = adapter is not None and hide_problem(adapter, post) is None
        return {"heart": heart_for(adapter, post).name or COLLEAGUES_ONLY,
                "hide": f"Hide on {adapter.label}" if hides else COLLEAGUES_ONLY}
    return labels

"""What the demo page's ❤️ button says on a customer's message: the name the
product's own adapter gives a ❤️ on that kind of message (Liker.heart: "Like on
X", "React on Messenger"), or that it stays among colleagues. Which kind of
message it is, the page learns from the emulators holding it: a DM or
Messenger message is private, anything else public."""
from __future__ import annotations

from adapters.base import PostRef, heart_for
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


def heart_labels(x, graph, bluesky=None):
    """A function from a customer post's Slack marker ({platform, external_id})
    to its button's words, with the emulators' private ids read once."""
    private = _private_ids(x, graph, bluesky)
    # heart() needs neither settings nor network: an adapter not built from settings can answer it.
    adapters = {p.name: object.__new__(p.build) for p in PLATFORMS if isinstance(p.build, type)}
    from adapters.bluesky import BlueskyAdapter  # built on demand (its SDK is slow to import); the sandbox has it
    adapters["bluesky"] = object.__new__(BlueskyAdapter)

    def label(marker: dict) -> str:
        external_id = str(marker.get("external_id", ""))
        post = PostRef(external_id, "", external_id.split("#")[0] in private)
        return heart_for(adapters.get(marker.get("platform")), post).name or COLLEAGUES_ONLY
    return label

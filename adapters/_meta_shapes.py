"""What Meta really sends in a Messenger or Instagram messaging event, read
leniently: ids that arrive as JSON numbers (older deliveries) become text,
every documented attachment shape is kept (a location as a map link, a
`fallback` whose payload is a string, a shared product's elements, reels,
story mentions, …), a field that cannot be used is dropped with a log line,
and an event the desk deliberately ignores (receipts, reactions, echoes,
opt-ins, referrals with no message) says why in the log.

Shared by adapters/facebook.py and adapters/instagram.py; no network here."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote

from adapters.base import Attachment

log = logging.getLogger("adapters.meta")


def text_id(value) -> str | None:
    """A Meta id as text: ids arrive as strings, or as JSON numbers in older
    deliveries. Anything else (an object, a bool, an empty string) is no id."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def as_text(value) -> str:
    """Customer text that should be a string; a number is shown, anything else dropped."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def web_url(value) -> str | None:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def map_link(latitude, longitude) -> str | None:
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (latitude, longitude)):
        return None
    return "https://www.google.com/maps/search/?api=1&query=" + quote(f"{latitude},{longitude}")


# Attachment kinds as Meta names them → how the desk names them.
KIND_NAMES = {"story_mention": "Story mention", "ig_reel": "Reel", "reel": "Reel", "share": "Shared post",
              "ig_post": "Shared post", "ig_story": "Story", "fallback": "Link", "location": "Location",
              "audio": "Voice message", "video": "Video", "file": "File", "unsupported_type": "Unsupported attachment",
              "template": "Shared item", "product": "Product", "image": "Image", "sticker": "Sticker"}


def meta_attachments(attachments, where: str = "message") -> tuple[Attachment, ...]:
    """Messenger / Instagram attachments of every documented shape. Each is
    read on its own: one that cannot be used is dropped with a log line."""
    if attachments is None:
        return ()
    if isinstance(attachments, dict):  # Graph lists ({"data": [...]}) and single objects
        attachments = attachments.get("data", [attachments])
    if not isinstance(attachments, list):
        log.info("%s: attachments are %s, not a list; dropped", where, type(attachments).__name__)
        return ()
    found: list[Attachment] = []
    for item in attachments:
        if not isinstance(item, dict):
            log.info("%s: an attachment that is not an object was dropped", where)
            continue
        found.extend(_attachment(item, where))
    return tuple(found)


def _attachment(item: dict, where: str) -> list[Attachment]:
    # Webhooks name a `type`; Graph's conversation messages carry image_data / video_data instead.
    kind = item.get("type") if isinstance(item.get("type"), str) else (
        "image" if isinstance(item.get("image_data"), dict) else
        "video" if isinstance(item.get("video_data"), dict) else "file")
    payload = item.get("payload")
    payload = payload if isinstance(payload, dict) else {}  # a fallback's payload is a string (or null)
    title = payload.get("title") if isinstance(payload.get("title"), str) else None
    title = title or (item.get("title") if isinstance(item.get("title"), str) else None)
    title = title or (item.get("name") if isinstance(item.get("name"), str) else None)
    if kind == "location":
        coordinates = payload.get("coordinates") if isinstance(payload.get("coordinates"), dict) else {}
        link = map_link(coordinates.get("lat"), coordinates.get("long")) or web_url(payload.get("url"))
        return [Attachment("location", link, title or "Location")]
    if kind == "template":
        return _template(payload, where) or [Attachment("template", None, title or "Shared item")]
    if kind == "sticker" or payload.get("sticker_id") is not None:
        return [Attachment("sticker", web_url(payload.get("url")), title)]
    media = [item.get(k) for k in ("image_data", "video_data") if isinstance(item.get(k), dict)]
    candidates = [payload.get("url"), item.get("url"), item.get("file_url")] + [m.get("url") for m in media]
    url = next((web_url(c) for c in candidates if web_url(c)), None)
    if url is None and (payload.get("url") or item.get("url")):
        log.info("%s: a %s attachment's url is not a link; kept without it", where, kind)
    if kind in ("unsupported_type",):
        title = title or "An attachment Meta does not pass on (open the conversation to see it)"
    return [Attachment(kind, url, title or (KIND_NAMES.get(kind) if kind not in ("image", "file") else None))]


def _template(payload: dict, where: str) -> list[Attachment]:
    """A shared product (`payload.product.elements`) or a generic template
    (`payload.elements`): one attachment per element, named by its title."""
    product = payload.get("product") if isinstance(payload.get("product"), dict) else {}
    elements = product.get("elements") or payload.get("elements") or []
    if not isinstance(elements, list):
        log.info("%s: template elements are not a list; dropped", where)
        return []
    found = []
    for element in elements:
        if not isinstance(element, dict):
            continue
        name = " · ".join(v for v in (element.get("title"), element.get("subtitle")) if isinstance(v, str) and v)
        url = web_url(element.get("url")) or web_url(element.get("item_url")) or web_url(element.get("image_url"))
        found.append(Attachment("product" if product else "template", url, name or "Shared item"))
    return found


@dataclass(frozen=True)
class CustomerEvent:
    """One messaging event that the desk shows (a message, an edit, an unsend,
    a button press): who, which id it is stored under, and what it says."""
    sender: str
    external_id: str
    text: str
    when: object                  # Meta's timestamp as given (ms, s or ISO)
    attachments: tuple[Attachment, ...] = ()
    change: str | None = None     # "edited" / "removed"


IGNORED = {"read": "a read receipt", "delivery": "a delivery receipt", "reaction": "a reaction to a message",
           "optin": "an opt-in (no message)", "referral": "a referral with no message",
           "account_linking": "account linking", "pass_thread_control": "a handover of the conversation",
           "take_thread_control": "a handover of the conversation",
           "request_thread_control": "a handover request", "app_roles": "an app-role change",
           "policy_enforcement": "a policy notice from Meta", "payment": "a payment callback",
           "checkout_update": "a checkout update", "message_reactions": "a reaction to a message",
           "game_play": "a game event", "response_feedback": "a feedback event"}


def read_messaging(event, account: str, label: str) -> CustomerEvent | None:
    """A Messenger / Instagram messaging (or standby) event as the customer's
    words, or None — with one log line saying why it is ignored."""
    if not isinstance(event, dict):
        log.info("%s: a messaging event that is not an object; ignored", label)
        return None
    sender_box = event.get("sender") if isinstance(event.get("sender"), dict) else {}
    sender = text_id(sender_box.get("id")) or text_id(sender_box.get("user_ref"))
    when = event.get("timestamp")
    message = event.get("message")
    if isinstance(message, dict):
        return _message(message, sender, when, account, label)
    edit = event.get("message_edit")
    if isinstance(edit, dict):
        mid = text_id(edit.get("mid"))
        if not (sender and mid) or sender == account:
            log.info("%s: a message edit without a customer or message id; ignored", label)
            return None
        count = text_id(edit.get("num_edit")) or text_id(when) or ""
        return CustomerEvent(sender, f"{mid}#edited{count}", as_text(edit.get("text")), when, change="edited")
    postback = event.get("postback")
    if isinstance(postback, dict):
        return _postback(postback, sender, when, account, label)
    kinds = [key for key in event if key in IGNORED]
    why = IGNORED[kinds[0]] if kinds else "an event with no customer message (" + ", ".join(
        sorted(k for k in event if k not in ("sender", "recipient", "timestamp"))) + ")"
    log.info("%s: %s; ignored", label, why)
    return None


def _message(message: dict, sender: str | None, when, account: str, label: str) -> CustomerEvent | None:
    mid = text_id(message.get("mid"))
    if message.get("is_echo"):
        log.debug("%s: the echo of our own message %s; ignored", label, mid)
        return None
    if not sender or not mid:
        log.info("%s: a message without a sender or message id; ignored", label)
        return None
    if sender == account:
        log.debug("%s: a message sent by the brand account itself; ignored", label)
        return None
    if message.get("is_deleted"):
        return CustomerEvent(sender, f"{mid}#removed", "", when, change="removed")
    text = as_text(message.get("text"))
    if message.get("is_unsupported"):
        text = text or "(a message Meta does not pass on to apps: open the conversation to see it)"
    attachments = meta_attachments(message.get("attachments"), f"{label} message")
    story = (message.get("reply_to") or {}).get("story") if isinstance(message.get("reply_to"), dict) else None
    if isinstance(story, dict):
        attachments += (Attachment("story", web_url(story.get("url")), "Replying to a story"),)
    return CustomerEvent(sender, mid, text, when, attachments)


def _postback(postback: dict, sender: str | None, when, account: str, label: str) -> CustomerEvent | None:
    """A button press (Get Started, a menu item, a template button, an
    Icebreaker): shown as what the customer chose."""
    if not sender or sender == account:
        log.info("%s: a postback without a customer; ignored", label)
        return None
    title, payload = as_text(postback.get("title")), as_text(postback.get("payload"))
    text = f"🔘 {title or payload or 'pressed a button'}"
    if title and payload and payload != title:
        text += f" ({payload})"
    referral = postback.get("referral") if isinstance(postback.get("referral"), dict) else {}
    came = " ".join(as_text(referral.get(k)) for k in ("source", "ref") if as_text(referral.get(k)))
    if came:
        text += f" — came from {came}"
    mid = text_id(postback.get("mid")) or f"postback:{sender}:{text_id(when) or ''}"
    return CustomerEvent(sender, mid, text, when)


# -- reading a batch item by item -----------------------------------------------------

def list_of(value) -> list:
    return value if isinstance(value, list) else []


def each_object(value, what: str) -> list[dict]:
    """The objects of a list in a delivery; anything else is logged and skipped."""
    items = list_of(value)
    if value is not None and not isinstance(value, list):
        log.info("%s: not a list (%s); ignored", what, type(value).__name__)
    objects = [item for item in items if isinstance(item, dict)]
    if len(objects) < len(items):
        log.info("%s: %d item(s) that are not objects; ignored", what, len(items) - len(objects))
    return objects


def guarded(what: str, read, *args):
    """read(*args), or None with one log line when the item cannot be
    understood (a wrong type, an id too long to store): one bad item never
    rejects the rest of the delivery or stops a feed."""
    try:
        return read(*args)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        log.warning("%s could not be read (%s); skipped, the rest goes on", what, exc)
        return None


def feed_media(value: dict) -> tuple[Attachment, ...]:
    """Media of a Page feed item or comment: `photo` / `video` (comments),
    `link` (a photo, video or shared link post), `photos` (a status with photos)."""
    found = []
    if web_url(value.get("photo")):
        found.append(Attachment("image", value["photo"]))
    if web_url(value.get("video")):
        found.append(Attachment("video", value["video"], "Video"))
    for photo in list_of(value.get("photos")):
        if web_url(photo):
            found.append(Attachment("image", photo))
    link = web_url(value.get("link"))
    if link:
        item = value.get("item")
        found.append(Attachment("image", link) if item == "photo" else
                     Attachment("video", link, "Video") if item == "video" else Attachment("link", link, "Link"))
    return tuple(found)

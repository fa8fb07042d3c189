"""Slack emoji shortcodes the demo page draws as emoji: every one socialdesk
itself uses (reactions it adds or acts on; tests/test_sandbox_page.py checks
the product against this map) and Slack's common standard names a person
might type or react with. Names are Slack's (its emoji picker's)."""
from __future__ import annotations

EMOJI = {
    # socialdesk's own: claim, resolve, snooze, like, and the marks on staff messages
    "eyes": "👀", "white_check_mark": "✅", "heavy_check_mark": "✔️", "zzz": "💤", "heart": "❤️",
    "outbox_tray": "📤", "hourglass_flowing_sand": "⏳", "hourglass": "⌛", "lock": "🔒", "raised_hand": "✋",
    "heavy_multiplication_x": "✖️", "warning": "⚠️", "rotating_light": "🚨", "mega": "📣",
    "ear": "👂", "writing_hand": "✍️", "star": "⭐", "speech_balloon": "💬", "bar_chart": "📊",
    "red_circle": "🔴", "large_yellow_circle": "🟡", "large_green_circle": "🟢", "white_circle": "⚪",
    "large_orange_circle": "🟠", "large_blue_circle": "🔵", "x": "❌", "no_entry": "⛔",
    # Slack's common standard names
    "+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "pray": "🙏", "tada": "🎉", "fire": "🔥",
    "joy": "😂", "smile": "😄", "slightly_smiling_face": "🙂", "wink": "😉", "sweat_smile": "😅",
    "thinking_face": "🤔", "cry": "😢", "rage": "😡", "clap": "👏", "wave": "👋", "ok_hand": "👌",
    "raised_hands": "🙌", "muscle": "💪", "100": "💯", "rocket": "🚀", "bulb": "💡", "memo": "📝",
    "calendar": "📆", "package": "📦", "truck": "🚚", "moneybag": "💰", "credit_card": "💳",
    "email": "📧", "phone": "☎️", "link": "🔗", "pushpin": "📌", "bell": "🔔", "no_bell": "🔕",
    "question": "❓", "exclamation": "❗", "sparkles": "✨", "heart_eyes": "😍", "see_no_evil": "🙈",
    "white_frowning_face": "☹️", "disappointed": "😞", "hugging_face": "🤗", "stopwatch": "⏱️",
    "alarm_clock": "⏰", "arrow_right": "➡️", "arrow_left": "⬅️", "repeat": "🔁", "broken_heart": "💔",
}

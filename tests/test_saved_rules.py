"""Saved replies' rules without I/O (bot.rules.saved_replies): names, calls,
variables and their expansion, as a table."""
from __future__ import annotations

import pytest

from bot.rules.saved_replies import Call, Customer, expand, first_name, parse_add, parse_call, values


@pytest.mark.parametrize("text, call", [
    ("!thanks", Call("thanks", "")),
    ("!thanks We ship on Monday.", Call("thanks", "We ship on Monday.")),
    ("  !refund-2\nline two", Call("refund-2", "line two")),
    ("!Thanks", Call("thanks", "")),                 # a phone's capital is still a call, never sent as typed
    ("!!!", None), ("! thanks", None), ("!", None),
    ("!important: your order", None),                # punctuation after the word: typed text
    ("Thanks!", None), ("note: !thanks", None),
    ("!" + "a" * 33, None),                          # longer than a name can be
    ("!under_score", None),
])
def test_what_calls_a_saved_reply(text, call):
    assert parse_call(text) == call


@pytest.mark.parametrize("rest, parsed", [
    ("thanks Thanks {first_name}!", ("thanks", False, "Thanks {first_name}!")),
    ("--private dm Please DM us, {name}.", ("dm", True, "Please DM us, {name}.")),
    ("dm --private Please DM us.", ("dm", True, "Please DM us.")),
    ("multi Line one\nline two", ("multi", False, "Line one\nline two")),
    ("a-1 {agent} for {id} to {handle}", ("a-1", False, "{agent} for {id} to {handle}")),
])
def test_adding_parses_name_flag_and_text(rest, parsed):
    assert parse_add(rest) == parsed


@pytest.mark.parametrize("rest, says", [
    ("", "Usage: `/social saved add NAME TEXT`"),
    ("thanks", "Usage: `/social saved add NAME TEXT`"),
    ("--private thanks", "Usage: `/social saved add NAME TEXT`"),
    ("Thanks Hi", "`Thanks` is not a saved reply name: use 1–32 of a-z, 0-9 and -"),
    ("under_score Hi", "`under_score` is not a saved reply name"),
    ("x" * 33 + " Hi", "is not a saved reply name"),
    ("thanks Hi {firstname}, {name} and {}", "Not saved: `{firstname}`, `{}` is no variable; a saved reply may use "
                                             "`{first_name}`, `{name}`, `{handle}`, `{agent}`, `{id}`."),
    ("x Hi {<!channel>}", "Not saved: `{&lt;!channel&gt;}` is no variable"),
])
def test_adding_refuses_in_one_line(rest, says):
    answer = parse_add(rest)
    assert isinstance(answer, str) and says in answer and "\n" not in answer


@pytest.mark.parametrize("handle, name, first", [
    ("@carol", "Carol Danvers", "Carol"),
    ("@carol", None, "@carol"),            # only a handle: greet by the handle, never a guessed name
    ("@carol", "  ", "@carol"),
    ("Jane Doe", None, "Jane"),            # Facebook gives the person's name as the handle
    ("Messenger user 1234", None, "Messenger"),  # a stand-in: its first word (documented)
])
def test_first_name_and_its_fallback(handle, name, first):
    assert first_name(Customer(handle, name, 1)) == first


def test_expansion_fills_escapes_and_appends():
    customer = Customer("@tom_&_jerry", "Tom <!channel> & Co", 42)
    filled = values(customer, "alice")
    assert expand("Hi {first_name} ({handle}), {agent} here about {id}. {name}", Call("x", "Bye."), filled) == (
        "Hi Tom (@tom_&amp;_jerry), alice here about #42. Tom &lt;!channel&gt; &amp; Co Bye.")
    assert expand("{unknown} stays", Call("x", ""), filled) == "{unknown} stays"

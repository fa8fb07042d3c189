"""The sentence reader of socialdesk[nlp] (bot/rules/minilm.py): what it must
do for the urgency and tone models trained on its vectors to mean anything —
read meaning; give a post the same vector alone or among others;
bound its cost; refuse a file it was not measured with; be absent quietly."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from bot.rules import minilm, urgency_model

HAS_READER = minilm.reader() is not None
needs_reader = pytest.mark.skipif(not HAS_READER, reason="socialdesk[nlp] is not installed")


@needs_reader
def test_a_paraphrase_reads_closer_than_another_topic():
    # A working sentence model, not the right file read wrongly: a tokenizer that splits words another way or a
    # pooling over the padding gives near-random similarities, and the models trained on these vectors would
    # read noise. (Alone it does not tell danger from a question about the same thing; the heads do that.)
    read = minilm.reader()
    heater, smoke, thanks, late = read([
        "my heater started smoking and melted the plug",
        "the space heater is giving off fumes and a burning smell",
        "thanks for the quick refund, lovely staff",
        "my parcel is three days late, where is it?",
    ])
    assert heater @ smoke > max(heater @ thanks, heater @ late) + 0.2


@needs_reader
def test_a_text_has_the_same_vector_alone_or_among_longer_ones():
    # Read together, shorter texts are padded: the pooling must leave the padding out.
    read = minilm.reader()
    texts = ["hissing battery", "your e-bike battery swelled up overnight and is hissing and my kid was in the room",
             "ok"]
    together = read(texts)
    for text, row in zip(texts, together, strict=True):
        assert np.allclose(read([text])[0], row, atol=1e-4), text
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


@needs_reader
def test_an_empty_text_is_a_zero_row_and_a_long_one_costs_no_more_than_its_start():
    read = minilm.reader()
    assert not read([""])[0].any() and not read(["   "])[0].any()
    start = "the parcel was left in the rain and the box fell apart " * 8  # past MAX_TOKENS already
    assert np.allclose(read([start])[0], read([start + "and then the dog ate it " * 200])[0], atol=1e-5)


@needs_reader
def test_another_file_under_the_models_name_is_refused(monkeypatch):
    monkeypatch.setattr(minilm, "SHA256", "0" * 64)
    with pytest.raises(RuntimeError, match="not the all-MiniLM-L6-v2 int8 file"):
        minilm.reader.__wrapped__()


def test_without_the_extra_there_is_no_reader_and_the_rules_decide(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if not installed: importing it raises ImportError
    assert minilm.reader.__wrapped__() is None
    monkeypatch.setattr(minilm, "reader", lambda: None)
    urgency_model.embedder.cache_clear()
    try:
        assert urgency_model.embedder() is None
    finally:
        urgency_model.embedder.cache_clear()


@needs_reader
def test_the_models_keep_the_vectors_of_their_examples():
    # Saved at training (bench/urgency.py --train): reading 2,251 examples at every process's load took ~30 s.
    from bot.rules import urgency
    model = urgency_model._model()
    assert model.example_vectors.shape == (len(model.examples), minilm.DIMENSIONS)
    for i in (0, len(model.examples) - 1):
        again = model.embed([urgency.plain_words(model.examples[i])])[0]
        assert float(again @ model.example_vectors[i]) > 0.99  # int8 as saved: a cosine of 1 within rounding


@needs_reader
def test_numpy_reads_with_one_thread_once_the_reader_is_loaded():
    # OpenBLAS's spare threads spin between the heads' products: the model's CPU doubled for no gain in time,
    # taken from the web workers, the worker and PostgreSQL on the same cores.
    from threadpoolctl import threadpool_info
    minilm.reader()(["the heater started smoking and melted the plug"])
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas), blas


@needs_reader
def test_the_suites_vector_cache_gives_the_readers_own_rows_and_forgets_them_when_the_code_changes(tmp_path):
    # tests/vector_cache.py: what the corpus tests read through must be exactly what the reader says.
    from tests.vector_cache import _Store
    texts = ["the heater started smoking", "", "thanks so much, all sorted", "the heater started smoking"]
    read = minilm.reader()
    first = _Store(read, tmp_path / "v.sqlite3", b"code one")(texts)
    assert np.array_equal(first, read(texts))

    def unread(_texts):
        raise AssertionError("read again")
    assert np.array_equal(_Store(unread, tmp_path / "v.sqlite3", b"code one")(texts), first)
    asked = []
    changed = _Store(lambda batch: asked.append(list(batch)) or read(batch), tmp_path / "v.sqlite3", b"code two")
    assert np.array_equal(changed(texts), first) and asked == [texts]
    asked.clear()  # code one's rows went when code two came: asked again
    back = _Store(lambda batch: asked.append(list(batch)) or read(batch), tmp_path / "v.sqlite3", b"code one")
    assert np.array_equal(back(texts[:1]), first[:1]) and asked == [texts[:1]]

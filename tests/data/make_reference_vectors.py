"""Computes the reference vectors in reference_vectors.json, independently of lookalike's Rust code.

The same model files (installed by `lookalike setup`), run with Python's onnxruntime and the
Hugging Face tokenizers library: tokenize (truncate at 256), run, mean-pool over the attention
mask, L2-normalise. Run once by hand; the test embedding_matches_reference_vectors compares.

    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install onnxruntime==1.31.1 tokenizers numpy
    /tmp/refvenv/bin/python tests/data/make_reference_vectors.py ~/.local/share/lookalike/model
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

SENTENCES = [
    "Thermavale Summit 20 oz Vacuum Insulated Travel Tumbler",
    "something to keep my coffee hot",
    "Cordless beard trimmer with 20 length settings. Beauty & Personal Care.",
]

model_dir = Path(sys.argv[1])
tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
tokenizer.enable_truncation(256)
session = onnxruntime.InferenceSession(str(model_dir / "model.onnx"))
out = []
for text in SENTENCES:
    enc = tokenizer.encode(text)
    ids = np.array([enc.ids], dtype=np.int64)
    mask = np.array([enc.attention_mask], dtype=np.int64)
    types = np.zeros_like(ids)
    (hidden,) = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
    pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum()
    vector = pooled[0] / np.linalg.norm(pooled[0])
    out.append({"text": text, "vector": [round(float(x), 7) for x in vector]})
path = Path(__file__).with_name("reference_vectors.json")
path.write_text(json.dumps(out, indent=0) + "\n")
print(f"wrote {path}")

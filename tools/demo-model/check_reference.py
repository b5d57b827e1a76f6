#!/usr/bin/python3
"""Checks gpt_oss_torch.py against the golden logits the C++ engine is tested against.

    /usr/bin/python3 tools/demo-model/check_reference.py [FIXTURES_DIR]

FIXTURES_DIR defaults to /work/shared/fixtures/gpt-oss-tiny (or $PONDER_FIXTURES). For `base/` and
`real-yarn/` (HF layout, MXFP4 experts, one file / three shards): full-sequence logits and
token-by-token decoding with the KV cache must match `logits.f32.npy` with relative L2 < 1e-3 and
the same top-1 at >= 99% of positions; the YaRN inv_freq must match the dumped one. It also checks
that MXFP4 re-quantisation of the stored experts reproduces their bytes (so exporting a model we
trained is lossless for weights that are already on the MXFP4 grid) and that the safetensors
writer round-trips. Exit status 0 = all checks passed.
"""
import os
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt_oss_torch import load_model, mxfp4_dequantize, mxfp4_quantize, yarn_inv_freq  # noqa: E402
from safetensors_io import read_model_folder, read_safetensors, write_safetensors  # noqa: E402

FAILURES = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILURES.append(what)


def rel_l2(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def decode_logits(model, tokens):
    """Token-by-token decode through the KV cache, returning logits [T, V]."""
    caches = [dict() for _ in model.layers]
    out = []
    with torch.no_grad():
        for i, tok in enumerate(tokens):
            pos = torch.tensor([[i]])
            key_pos = torch.arange(i + 1).unsqueeze(0)
            valid = torch.ones(1, i + 1, dtype=torch.bool)
            out.append(model(torch.tensor([[tok]]), pos, caches, valid, key_pos)[0, -1])
    return torch.stack(out).numpy()


def check_folder(folder):
    name = os.path.basename(folder)
    model = load_model(folder, torch.float64)
    tokens = [int(t) for t in open(os.path.join(folder, "tokens.txt")).read().replace(",", " ").split()]
    want = np.load(os.path.join(folder, "logits.f32.npy")).astype(np.float64)
    with torch.no_grad():
        got = model(torch.tensor([tokens]))[0].numpy()
    err = rel_l2(got, want)
    top1 = float((got.argmax(-1) == want.argmax(-1)).mean())
    check(err < 1e-3 and top1 >= 0.99, f"{name}: prefill rel L2 {err:.2e}, top-1 {top1:.3f} ({len(tokens)} tokens)")
    got = decode_logits(model, tokens)
    err = rel_l2(got, want)
    top1 = float((got.argmax(-1) == want.argmax(-1)).mean())
    check(err < 1e-3 and top1 >= 0.99, f"{name}: decode  rel L2 {err:.2e}, top-1 {top1:.3f}")
    # f32 as the trainer runs it
    model32 = load_model(folder, torch.float32)
    with torch.no_grad():
        got = model32(torch.tensor([tokens]))[0].double().numpy()
    err = rel_l2(got, want)
    check(err < 1e-3, f"{name}: float32 prefill rel L2 {err:.2e}")

    acts_path = os.path.join(folder, "activations.npz")
    if os.path.exists(acts_path):
        acts = np.load(acts_path)
        inv_freq, m = yarn_inv_freq(model.cfg)
        err = rel_l2(inv_freq.numpy(), acts["rope_inv_freq"].astype(np.float64))
        check(err < 1e-6 and abs(m - float(acts["rope_attention_factor"])) < 1e-6,
              f"{name}: YaRN inv_freq rel L2 {err:.2e}, m {m:.7f}")

    tensors = read_model_folder(folder)
    for key in [k for k in tensors if k.endswith("_blocks")]:
        scales = tensors[key[:-len("_blocks")] + "_scales"]
        w = mxfp4_dequantize(tensors[key], scales)
        blocks2, scales2 = mxfp4_quantize(w)
        same = torch.equal(mxfp4_dequantize(blocks2, scales2), w)
        if not same:
            check(False, f"{name}: MXFP4 re-quantisation changes {key}")
            break
    else:
        check(True, f"{name}: MXFP4 re-quantisation reproduces every expert tensor")
    return model


def check_safetensors_roundtrip(folder):
    tensors = read_model_folder(folder)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.safetensors")
        write_safetensors(path, tensors)
        back, _ = read_safetensors(path)
    same = set(back) == set(tensors) and all(
        back[k].dtype == tensors[k].dtype and torch.equal(back[k], tensors[k]) for k in tensors)
    check(same, "safetensors writer round-trips every tensor (bf16 + u8)")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "PONDER_FIXTURES", "/work/shared/fixtures/gpt-oss-tiny")
    torch.set_num_threads(2)
    for sub in ("base", "real-yarn"):
        check_folder(os.path.join(root, sub))
    check_safetensors_roundtrip(os.path.join(root, "real-yarn"))
    print("all checks passed" if not FAILURES else f"{len(FAILURES)} check(s) FAILED")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())

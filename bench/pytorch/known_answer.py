#!/usr/bin/env python3
"""Writes PyTorch's answer for one DPO step of the committed start model, which `./mvnw verify` checks
prefdyn's float64 reference against (prefdyn.datasets.PyTorchDpoStepTest).

The step: the policy is the committed start model (the model named by --model, a classpath folder of
prefdyn-datasets); the batch is the two preference pairs below, tokenized with the tokenizer its config.json
names; the reference log-probs are given numbers, the policy's own plus REFERENCE_OFFSETS, so that the two margins
h = beta * ((lp+ - ref+) - (lp- - ref-)) are -0.4 and +0.6 rather than DPO's 0 at step 0; the loss is the sigmoid
DPO loss L = mean_i softplus(-h_i) with beta = 0.1. Everything is float64, and the gradient is one backward pass of
L (torch.autograd.grad) over every tensor of the model.

The file (safetensors) holds:
  input_ids [2P, W] I64, attention_mask [2P, W] I32, response_mask [2P, W] I32   the batch: rows 0..P-1 are
      prompt + chosen, rows P..2P-1 prompt + rejected (TRL's concatenation), right-padded with end-of-text
  policy_logps [2P], reference_logps [2P], policy_token_logps [2P, W] (0 off the response), margins [P],
  omega [P] = sigmoid(-h), loss [], and grad.<name> for every tensor of the model (its Hugging Face name and shape)
and metadata naming the model, the tokenizer, beta, the pairs and the versions.

Run from the repository root with a Python that imports torch and numpy (Debian's: /usr/bin/python3):
  /usr/bin/python3 bench/pytorch/known_answer.py
"""

import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dpo_peer import load_checkpoint, sequence_log_probs  # noqa: E402  (the peer's model, shared)

PAIRS = [
    ("This movie was", " a delight from start to end.", " a dull waste of two hours."),
    ("The acting", " is superb and moving.", " is wooden and flat."),
]
# reference_logps = policy_logps + REFERENCE_OFFSETS, rows as the batch (chosen 0, chosen 1, rejected 0, rejected 1):
# h_0 = beta * ((-3) - (+1)) = -0.4 and h_1 = beta * ((+2) - (-4)) = +0.6.
REFERENCE_OFFSETS = [3.0, -2.0, -1.0, 4.0]
BETA = 0.1
RESOURCES = "datasets/src/main/resources"
DEFAULT_MODEL = "prefdyn/datasets/sft-model"
DEFAULT_OUT = "datasets/src/test/resources/prefdyn/datasets/pytorch-dpo-step.safetensors"


def encode(tokenizer, text):
    """Token ids of text under the checkpoint's tokenizer."""
    if tokenizer == "prefdyn-byte-level-v1":
        return list(text.encode("utf-8"))
    raise SystemExit(f"known_answer.py: the model's tokenizer is {tokenizer!r}; add its encoding to encode()")


def write_safetensors(path, tensors, metadata):
    """Writes {name: numpy array} little-endian with a JSON header, as the safetensors format specifies."""
    names = {np.dtype(np.float64): "F64", np.dtype(np.int64): "I64", np.dtype(np.int32): "I32"}
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, array in tensors.items():
        data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": names[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
    os.replace(temporary, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help=f"classpath folder of the start model under {RESOURCES}. Default {DEFAULT_MODEL}")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"Default {DEFAULT_OUT}")
    args = parser.parse_args(argv)

    torch.manual_seed(0)
    dtype = torch.float64
    directory = os.path.join(RESOURCES, args.model)
    config, params = load_checkpoint(directory, dtype, "cpu")
    tokenizer = config.get("prefdyn_tokenizer", "prefdyn-byte-level-v1")
    end_of_text = config["eos_token_id"]

    rows = []  # (prompt ids, response ids): chosen rows first, then rejected rows
    for prompt, chosen, _ in PAIRS:
        rows.append((encode(tokenizer, prompt), encode(tokenizer, chosen)))
    for prompt, _, rejected in PAIRS:
        rows.append((encode(tokenizer, prompt), encode(tokenizer, rejected)))
    width = max(len(p) + len(r) for p, r in rows)
    if width > config["n_positions"]:
        raise SystemExit(f"known_answer.py: a row has {width} tokens, more than the model's {config['n_positions']}")
    ids = np.full((len(rows), width), end_of_text, dtype=np.int64)
    attention = np.zeros((len(rows), width), dtype=np.int32)
    response = np.zeros((len(rows), width), dtype=np.int32)
    for b, (p, r) in enumerate(rows):
        ids[b, :len(p) + len(r)] = p + r
        attention[b, :len(p) + len(r)] = 1
        response[b, len(p):len(p) + len(r)] = 1

    P = len(PAIRS)
    mask = torch.tensor(response, dtype=dtype)
    policy_lp, tokens = sequence_log_probs(config, params, torch.tensor(ids), mask)
    reference_lp = policy_lp.detach() + torch.tensor(REFERENCE_OFFSETS, dtype=dtype)
    h = BETA * ((policy_lp[:P] - reference_lp[:P]) - (policy_lp[P:] - reference_lp[P:]))
    loss = torch.nn.functional.softplus(-h).mean()
    names = list(params.keys())
    grads = torch.autograd.grad(loss, [params[n] for n in names])

    as_np = lambda t: t.detach().numpy().astype(np.float64)
    tensors = {
        "input_ids": ids,
        "attention_mask": attention,
        "response_mask": response,
        "policy_logps": as_np(policy_lp),
        "reference_logps": as_np(reference_lp),
        "policy_token_logps": as_np(tokens) * response,
        "margins": as_np(h),
        "omega": as_np(torch.sigmoid(-h)),
        "loss": np.array(loss.item(), dtype=np.float64),
    }
    for name, g in zip(names, grads):
        tensors["grad." + name] = as_np(g)
    metadata = {
        "format": "pt",
        "model_resource": args.model,
        "tokenizer": tokenizer,
        "objective": "dpo",
        "loss_type": "sigmoid",
        "beta": repr(BETA),
        "pairs": json.dumps([{"prompt": p, "chosen": c, "rejected": r} for p, c, r in PAIRS]),
        "reference_logps": "policy_logps + " + json.dumps(REFERENCE_OFFSETS),
        "layout": "rows 0..P-1 are prompt+chosen, rows P..2P-1 prompt+rejected; right-padded with end-of-text",
        "generator": "bench/pytorch/known_answer.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
    }
    write_safetensors(args.out, tensors, metadata)
    print(f"known_answer.py: wrote {args.out} ({os.path.getsize(args.out)} bytes): {P} pairs, loss "
          f"{loss.item():.17g}, {len(names)} gradient tensors")
    return 0


if __name__ == "__main__":
    sys.exit(main())

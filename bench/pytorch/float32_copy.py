#!/usr/bin/env python3
"""Copies a prefdyn checkpoint directory with its weights rounded to float32 (F32 safetensors, config.json
torch_dtype "float32"), so the peer's checks can be run on an F32 checkpoint (bench/pytorch/README.md).

  /usr/bin/python3 bench/pytorch/float32_copy.py SOURCE_DIR TARGET_DIR

Every other file (vocab.json, merges.txt, ...) is copied unchanged.
"""

import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dpo_peer import read_safetensors  # noqa: E402
from known_answer import write_safetensors  # noqa: E402


def main(argv):
    if len(argv) != 2:
        raise SystemExit("usage: float32_copy.py SOURCE_DIR TARGET_DIR")
    source, target = argv
    if os.path.exists(target):
        raise SystemExit(f"{target} exists; give a new folder")
    shutil.copytree(source, target)
    tensors, metadata = read_safetensors(os.path.join(source, "model.safetensors"))
    write_safetensors(os.path.join(target, "model.safetensors"),
                      {name: array.astype(np.float32) for name, array in tensors.items()}, metadata)
    path = os.path.join(target, "config.json")
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    config["torch_dtype"] = "float32"
    with open(path, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    print(f"float32_copy.py: wrote {target} ({len(tensors)} tensors as F32)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

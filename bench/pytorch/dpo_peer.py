#!/usr/bin/env python3
"""PyTorch peer of prefdyn's reference GPT and DPO step (bench/pytorch/README.md).

The same model as prefdyn.reference.model.GptModel -- GPT-2, pre-LayerNorm, Hugging Face tensor names, Conv1D
weights stored [in, out], the LM head tied to wte, LayerNorm eps 1e-5 with the biased variance, GELU in its tanh
form (gelu_new), causal attention with a fused c_attn split into q, k, v -- loaded from a prefdyn safetensors
checkpoint, so both implementations start from identical weights. The safetensors format is read by hand (8-byte
little-endian header length, JSON header, raw little-endian data), so only numpy and torch are needed.

Two modes:

  --dump FILE   Recompute the DPO step that `prefdyn grad` wrote to FILE (its input_ids, attention_mask and
                response_mask are the batch) and compare: per-sequence log-probs, per-token log-probs, omega, the
                loss, the full gradient and its positive/negative parts. Prints the largest relative errors.

  --bench       Time eager DPO steps on random pairs of the same shape as `prefdyn bench` (a T/4-token prompt and
                two 3T/4-token responses per pair, so 2B rows of T tokens), reference log-probs precomputed:
                forward, backward, clip_grad_norm_(1.0), AdamW. Median of --repeats after 2 warm-ups, with
                torch.cuda.synchronize() before every clock read on a GPU.

The DPO step is prefdyn's DpoTrainer.step: sigmoid loss L = mean_i softplus(-h_i),
h_i = beta * ((lp+_i - ref+_i) - (lp-_i - ref-_i)), lp = sum of the response tokens' log-probs; global-norm
clipping at 1.0 as PyTorch's clip_grad_norm_ (coefficient max_norm / (norm + 1e-6), applied when below 1); AdamW
with betas (0.9, 0.999), eps 1e-8, weight decay 0 by default and, when set, only on tensors of two or more
dimensions (prefdyn's AdamW). prefdyn computes the step's gradient as two backward passes, positive learning
(the y+ terms) then negative learning (the y- terms), and sums them; --backward split (the default) does the
same, --backward single does TRL's one backward of the loss.
"""

import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch

DTYPES = {"F64": np.float64, "F32": np.float32, "I64": np.int64, "I32": np.int32}
LAYER_NORM_EPS = 1e-5


def read_safetensors(path):
    """{name: numpy array} and the metadata dict of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_length].decode("utf-8"))
    base = 8 + header_length
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        dtype = DTYPES.get(info["dtype"])
        if dtype is None:
            raise SystemExit(f"{path}: tensor {name} has dtype {info['dtype']}, which this script does not read")
        start, end = info["data_offsets"]
        array = np.frombuffer(data[base + start:base + end], dtype=np.dtype(dtype).newbyteorder("<"))
        tensors[name] = array.reshape(info["shape"]).copy()
    return tensors, metadata


def load_checkpoint(directory, dtype, device):
    """(config dict, {name: leaf tensor requiring grad}) of a prefdyn checkpoint directory."""
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    tensors, _ = read_safetensors(os.path.join(directory, "model.safetensors"))
    params = {name: torch.tensor(array, dtype=dtype, device=device, requires_grad=True)
              for name, array in tensors.items()}
    return config, params


def seeded_model(shape, dtype, device):
    """(config dict, params) of a GPT-2 of --shape C,L,H,T (V = 257 bytes) with GPT-2's N(0, 0.02) weights,
    LayerNorm gains 1 and zero biases, seeded: for --bench, where the weights do not change the work."""
    C, L, H, T = (int(part) for part in shape.split(","))
    V = 257
    config = {"vocab_size": V, "n_positions": T, "n_embd": C, "n_layer": L, "n_head": H}
    generator = torch.Generator().manual_seed(1)
    shapes = {"wte.weight": (V, C), "wpe.weight": (T, C)}
    for l in range(L):
        q = f"h.{l}."
        shapes.update({q + "ln_1.weight": (C,), q + "ln_1.bias": (C,), q + "attn.c_attn.weight": (C, 3 * C),
                       q + "attn.c_attn.bias": (3 * C,), q + "attn.c_proj.weight": (C, C),
                       q + "attn.c_proj.bias": (C,), q + "ln_2.weight": (C,), q + "ln_2.bias": (C,),
                       q + "mlp.c_fc.weight": (C, 4 * C), q + "mlp.c_fc.bias": (4 * C,),
                       q + "mlp.c_proj.weight": (4 * C, C), q + "mlp.c_proj.bias": (C,)})
    shapes.update({"ln_f.weight": (C,), "ln_f.bias": (C,)})
    params = {}
    for name, size in shapes.items():
        if len(size) == 2:
            value = 0.02 * torch.randn(size, generator=generator, dtype=torch.float64)
        elif name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name == "ln_f.weight":
            value = torch.ones(size, dtype=torch.float64)
        else:
            value = torch.zeros(size, dtype=torch.float64)
        params[name] = value.to(dtype=dtype, device=device).requires_grad_(True)
    return config, params


def layer_norm(x, weight, bias):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), weight, bias, LAYER_NORM_EPS)


def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


def token_log_probs(config, p, ids):
    """[B, W] log pi(ids[:, t] | ids[:, <t]) at t >= 1 (0 at t = 0), as prefdyn's tokenLogProb."""
    B, W = ids.shape
    C = config["n_embd"]
    H = config["n_head"]
    hs = C // H
    x = p["wte.weight"][ids] + p["wpe.weight"][:W]
    causal = torch.ones(W, W, dtype=torch.bool, device=ids.device).tril()
    for l in range(config["n_layer"]):
        q = f"h.{l}."
        h = layer_norm(x, p[q + "ln_1.weight"], p[q + "ln_1.bias"])
        qkv = h @ p[q + "attn.c_attn.weight"] + p[q + "attn.c_attn.bias"]
        qh, kh, vh = (t.view(B, W, H, hs).transpose(1, 2) for t in qkv.split(C, dim=2))
        scores = (qh @ kh.transpose(-2, -1)) / math.sqrt(hs)
        att = torch.softmax(scores.masked_fill(~causal, float("-inf")), dim=-1)
        y = (att @ vh).transpose(1, 2).reshape(B, W, C)
        x = x + (y @ p[q + "attn.c_proj.weight"] + p[q + "attn.c_proj.bias"])
        h = layer_norm(x, p[q + "ln_2.weight"], p[q + "ln_2.bias"])
        h = gelu_tanh(h @ p[q + "mlp.c_fc.weight"] + p[q + "mlp.c_fc.bias"])
        x = x + (h @ p[q + "mlp.c_proj.weight"] + p[q + "mlp.c_proj.bias"])
    x = layer_norm(x, p["ln_f.weight"], p["ln_f.bias"])
    log_probs = torch.log_softmax(x @ p["wte.weight"].t(), dim=-1)  # [B, W, V]
    gathered = log_probs[:, :-1, :].gather(2, ids[:, 1:].unsqueeze(2)).squeeze(2)  # predicts position t from t-1
    return torch.cat([torch.zeros(B, 1, dtype=gathered.dtype, device=ids.device), gathered], dim=1)


def sequence_log_probs(config, p, ids, response_mask):
    tokens = token_log_probs(config, p, ids)
    return (tokens * response_mask).sum(dim=1), tokens


def dpo_terms(policy_lp, reference_lp, beta):
    """Loss, h and omega = sigmoid(-h) of the sigmoid DPO loss; rows 0..P-1 chosen, P..2P-1 rejected."""
    P = policy_lp.shape[0] // 2
    h = beta * ((policy_lp[:P] - reference_lp[:P]) - (policy_lp[P:] - reference_lp[P:]))
    loss = torch.nn.functional.softplus(-h).mean()
    return loss, h, torch.sigmoid(-h)


def max_relative_error(actual, expected):
    """max |a - e| / max(max |e|, tiny): one scale per tensor, as the oracle tests do."""
    scale = max(float(np.max(np.abs(expected))) if expected.size else 0.0, 1e-300)
    return float(np.max(np.abs(actual - expected))) / scale if expected.size else 0.0


def compare_with_dump(args, device, dtype):
    dump, metadata = read_safetensors(args.dump)
    beta = float(metadata.get("beta", args.beta))
    config, params = load_checkpoint(args.checkpoint, dtype, device)
    if args.reference and args.reference != args.checkpoint:
        ref_config, ref_params = load_checkpoint(args.reference, dtype, device)
    else:
        ref_config, ref_params = config, params
    ids = torch.tensor(dump["input_ids"], dtype=torch.long, device=device)
    response_mask = torch.tensor(dump["response_mask"], dtype=dtype, device=device)
    P = ids.shape[0] // 2

    with torch.no_grad():
        reference_lp, _ = sequence_log_probs(ref_config, ref_params, ids, response_mask)
    policy_lp, policy_tokens = sequence_log_probs(config, params, ids, response_mask)
    loss, h, omega = dpo_terms(policy_lp, reference_lp, beta)
    names = list(params.keys())

    def gradient_of(objective):
        grads = torch.autograd.grad(objective, [params[n] for n in names], retain_graph=True, allow_unused=True)
        return {n: (g if g is not None else torch.zeros_like(params[n])).detach().cpu().numpy().astype(np.float64)
                for n, g in zip(names, grads)}

    w = omega.detach()
    positive = gradient_of((-beta * w * policy_lp[:P]).mean())
    negative = gradient_of((beta * w * policy_lp[P:]).mean())
    total = gradient_of(loss)

    as_np = lambda t: t.detach().cpu().numpy().astype(np.float64)
    token_lp = as_np(policy_tokens) * dump["response_mask"]
    rows = [
        ("policy_logps", max_relative_error(as_np(policy_lp), dump["policy_logps"])),
        ("reference_logps", max_relative_error(as_np(reference_lp), dump["reference_logps"])),
        ("policy_token_logps", max_relative_error(token_lp, dump["policy_token_logps"])),
        ("omega", max_relative_error(as_np(omega), dump["omega"])),
        ("loss", max_relative_error(np.array([loss.item()]), np.array([float(dump["loss"])]))),
    ]
    worst = {}
    for prefix, grads in (("grad.", total), ("grad_positive.", positive), ("grad_negative.", negative)):
        errors = [(max_relative_error(grads[n], dump[prefix + n]), n) for n in names if prefix + n in dump]
        missing = [n for n in names if prefix + n not in dump]
        if missing:
            raise SystemExit(f"{args.dump} has no {prefix}{missing[0]}: was it written by `prefdyn grad` for this model?")
        worst[prefix] = max(errors)
        rows.append((prefix + "* (worst tensor: " + worst[prefix][1] + ")", worst[prefix][0]))
        flat_actual = np.concatenate([grads[n].ravel() for n in names])
        flat_expected = np.concatenate([dump[prefix + n].ravel() for n in names])
        rows.append((prefix + "* (all tensors, one scale)", max_relative_error(flat_actual, flat_expected)))

    print(f"dpo_peer: {args.dump} vs PyTorch {torch.__version__} ({dtype_name(dtype)}, {device}), {P} pairs, "
          f"beta {beta}")
    print(f"loss: prefdyn {float(dump['loss']):.17g}, PyTorch {loss.item():.17g}")
    print("max relative error (max |pytorch - prefdyn| / max |prefdyn| per quantity):")
    for name, error in rows:
        print(f"  {name:60s} {error:.3e}")
    overall = max(error for _, error in rows)
    print(f"largest relative error over everything compared: {overall:.3e}")
    if args.tolerance is not None and overall > args.tolerance:
        print(f"FAILED: above --tolerance {args.tolerance:g}")
        return 1
    return 0


def set_blas_threads(threads):
    """torch.set_num_threads(threads), and the same count for OpenBLAS's own pool, which torch does not set.

    Debian's torch calls OpenBLAS (libopenblas0-pthread) for its matrix products, and OpenBLAS starts one thread
    per core whatever torch.set_num_threads says: a "1 thread" peer would multiply on every core. The pool is set
    through openblas_set_num_threads in the BLAS library this process has loaded. Returns OpenBLAS's thread count
    afterwards, or None when the loaded BLAS is not OpenBLAS (MKL follows torch.set_num_threads)."""
    torch.set_num_threads(threads)
    import ctypes
    with open("/proc/self/maps") as maps:
        libraries = sorted({line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]})
    for library in libraries:
        handle = ctypes.CDLL(library)
        if hasattr(handle, "openblas_set_num_threads"):
            handle.openblas_set_num_threads(threads)
            return handle.openblas_get_num_threads()
    return None


def dtype_name(dtype):
    return "float64" if dtype == torch.float64 else "float32"


def bench(args, device, dtype):
    if args.checkpoint:
        config, params = load_checkpoint(args.checkpoint, dtype, device)
    elif args.shape:
        config, params = seeded_model(args.shape, dtype, device)
    else:
        raise SystemExit("--bench needs --checkpoint (e.g. the committed SFT model; see bench/pytorch/README.md) "
                         "or --shape C,L,H,T")
    T = config["n_positions"]
    V = config["vocab_size"]
    B = args.batch
    prompt = max(1, T // 4)
    response = max(1, T - prompt)
    generator = torch.Generator().manual_seed(99)
    rows = torch.randint(0, V, (2 * B, prompt + response), generator=generator)
    rows[B:, :prompt] = rows[:B, :prompt]  # a pair shares its prompt
    ids = rows.to(device)
    mask = torch.zeros(2 * B, prompt + response, dtype=dtype, device=device)
    mask[:, prompt:] = 1.0
    with torch.no_grad():
        reference_lp, _ = sequence_log_probs(config, params, ids, mask)
    decay = [p for p in params.values() if p.dim() >= 2]
    no_decay = [p for p in params.values() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    all_params = list(params.values())

    def step():
        optimizer.zero_grad(set_to_none=False)
        policy_lp, _ = sequence_log_probs(config, params, ids, mask)
        loss, h, omega = dpo_terms(policy_lp, reference_lp, args.beta)
        if args.backward == "split":
            w = omega.detach()
            (-args.beta * w * policy_lp[:B]).mean().backward(retain_graph=True)
            (args.beta * w * policy_lp[B:]).mean().backward()
        else:
            loss.backward()
        torch.nn.utils.clip_grad_norm_(all_params, 1.0)
        optimizer.step()
        return loss

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    seconds = []
    for r in range(-2, args.repeats):
        sync()
        start = time.perf_counter()
        step()
        sync()
        if r >= 0:
            seconds.append(time.perf_counter() - start)
    seconds.sort()
    n = len(seconds)
    median = seconds[n // 2] if n % 2 else (seconds[n // 2 - 1] + seconds[n // 2]) / 2
    tokens = 2 * B * (prompt + response)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu, {torch.get_num_threads()} threads"
    if device.type == "cpu" and args.blas_threads is not None:
        name += f" (OpenBLAS {args.blas_threads})"
    print(f"dpo_peer --bench: PyTorch {torch.__version__} eager, {dtype_name(dtype)}, {name}; C={config['n_embd']} "
          f"L={config['n_layer']} H={config['n_head']} T={T} V={V}; {B} pairs ({2 * B} rows of {prompt + response} "
          f"tokens), backward {args.backward}")
    print(f"DPO step: median {median * 1e3:.3f} ms over {n} repeats after 2 warm-ups "
          f"(min-max {seconds[0] * 1e3:.3f}-{seconds[-1] * 1e3:.3f} ms), {tokens / median:.1f} tokens/s")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", help="prefdyn checkpoint directory (model.safetensors + config.json)")
    parser.add_argument("--shape", help="--bench without a checkpoint: a seeded GPT-2 of C,L,H,T (V = 257), e.g. "
                        "128,2,8,64 (prefdyn bench --size 4x)")
    parser.add_argument("--reference", help="reference checkpoint for --dump (default: --checkpoint, as `prefdyn grad`)")
    parser.add_argument("--dump", help="a `prefdyn grad` safetensors file to recompute and compare")
    parser.add_argument("--bench", action="store_true", help="time eager DPO steps instead")
    parser.add_argument("--batch", type=int, default=64, help="--bench: pairs per step (2B rows). Default 64")
    parser.add_argument("--repeats", type=int, default=7, help="--bench: timed steps. Default 7")
    parser.add_argument("--beta", type=float, default=0.1, help="DPO beta (--dump reads it from the dump). Default 0.1")
    parser.add_argument("--lr", type=float, default=1e-4, help="--bench: AdamW learning rate (prefdyn bench's). Default 1e-4")
    parser.add_argument("--weight-decay", type=float, default=0.0, help="--bench: AdamW weight decay. Default 0")
    parser.add_argument("--backward", choices=["split", "single"], default="split",
                        help="--bench: split = prefdyn's two passes (positive, negative); single = one pass. Default split")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64", help="Default float64")
    parser.add_argument("--device", default=None, help="cuda or cpu. Default: cuda if available, else cpu")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads on the CPU: torch.set_num_threads and OpenBLAS's own pool")
    parser.add_argument("--tolerance", type=float, default=None, help="--dump: exit 1 when the largest error is above it")
    args = parser.parse_args(argv)
    args.blas_threads = set_blas_threads(args.threads) if args.threads else None
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    if args.bench == (args.dump is not None):
        parser.error("give exactly one of --dump FILE and --bench")
    if args.dump is not None and not args.checkpoint:
        parser.error("--dump needs --checkpoint")
    return bench(args, device, dtype) if args.bench else compare_with_dump(args, device, dtype)


if __name__ == "__main__":
    sys.exit(main())

"""GPT-2 generation speed: kernelforge-gpt2 against PyTorch eager (Debian's
python3-torch) on the same weights, KV cache in both, in one run.

  bench_gpt2.py --runner build/bin/kernelforge-gpt2
                [--config models/gpt2/configs/gpt2.json] [--prompt-tokens 64] [-n 32]
  bench_gpt2.py --runner kernelforge-gpt2-run --library gpt2.cuda.so --device cuda ...
                (a library saved by kernelforge-gpt2 --save-library; on a GPU
                machine without MLIR, say)

A random checkpoint with GPT-2-like magnitudes is written once (same file for
both; --checkpoint-dir keeps it between runs); each side runs greedy
generation: prefill of the prompt, then n-1 decode steps, --repeat times in
one process. Reported: prompt tokens/s and decode ms/token (medians), and the
ratios KernelForge / PyTorch. On the CPU both use every core; on the GPU both
compute in float32 (PyTorch without TF32) and both synchronise each step.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelforge import reference as ref  # noqa: E402
from kernelforge import tools  # noqa: E402


def torch_generate(params, cfg, prompt, n, threads, device, repeat):
    """PyTorch eager with a KV cache: [(tokens, prefill s, decode s)]."""
    import torch

    torch.set_num_threads(threads)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    t = {k: torch.from_numpy(v.astype(np.float32)).to(device) for k, v in params.items()}
    n_head, eps = cfg["n_head"], cfg.get("layer_norm_epsilon", 1e-5)
    e = cfg["n_embd"]
    hd = e // n_head
    layers = cfg["n_layer"]
    head = t.get("lm_head.weight", t["wte.weight"])
    gelu = torch.nn.functional.gelu

    def block(x, i, cache, pos):
        g = lambda name: t[f"h.{i}.{name}"]
        h = torch.nn.functional.layer_norm(x, (e,), g("ln_1.weight"), g("ln_1.bias"), eps)
        qkv = h @ g("attn.c_attn.weight") + g("attn.c_attn.bias")
        q, k, v = qkv.split(e, dim=-1)
        s = x.shape[0]
        q = q.view(s, n_head, hd).transpose(0, 1)
        k = k.view(s, n_head, hd).transpose(0, 1)
        v = v.view(s, n_head, hd).transpose(0, 1)
        cache[i][0][:, pos:pos + s] = k
        cache[i][1][:, pos:pos + s] = v
        keys, values = cache[i][0][:, :pos + s], cache[i][1][:, :pos + s]
        scores = (q @ keys.transpose(1, 2)) / hd ** 0.5
        mask = (torch.arange(pos + s, device=device)[None, :] >
                (torch.arange(s, device=device)[:, None] + pos))
        scores = scores.masked_fill(mask, float("-inf"))
        a = (scores.softmax(-1) @ values).transpose(0, 1).reshape(s, e)
        x = x + a @ g("attn.c_proj.weight") + g("attn.c_proj.bias")
        h = torch.nn.functional.layer_norm(x, (e,), g("ln_2.weight"), g("ln_2.bias"), eps)
        h = gelu(h @ g("mlp.c_fc.weight") + g("mlp.c_fc.bias"), approximate="tanh")
        return x + h @ g("mlp.c_proj.weight") + g("mlp.c_proj.bias")

    def forward(ids, cache, pos):
        x = t["wte.weight"][ids] + t["wpe.weight"][pos:pos + len(ids)]
        for i in range(layers):
            x = block(x, i, cache, pos)
        x = torch.nn.functional.layer_norm(x[-1:], (e,), t["ln_f.weight"], t["ln_f.bias"], eps)
        return (x @ head.T)[0]

    def sync():
        if device != "cpu":
            torch.cuda.synchronize()

    runs = []
    with torch.no_grad():
        cache = [[torch.zeros(n_head, cfg["n_positions"], hd, device=device) for _ in range(2)]
                 for _ in range(layers)]
        for _ in range(repeat):
            ids = torch.tensor(prompt, device=device)
            sync()
            t0 = time.perf_counter()
            logits = forward(ids, cache, 0)
            sync()
            prefill = time.perf_counter() - t0
            tokens = [int(logits.argmax())]
            t0 = time.perf_counter()
            for step in range(n - 1):
                pos = len(prompt) + step
                logits = forward(torch.tensor([tokens[-1]], device=device), cache, pos)
                tokens.append(int(logits.argmax()))
            decode = time.perf_counter() - t0
            runs.append((tokens, prefill, decode))
    return runs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True, help="kernelforge-gpt2, or kernelforge-gpt2-run "
                    "with --library")
    ap.add_argument("--library", help="a compiled generation library (kernelforge-gpt2 "
                    "--save-library) for kernelforge-gpt2-run")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--config", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                     "models", "gpt2", "configs", "gpt2.json"))
    ap.add_argument("--checkpoint-dir", help="keep the random checkpoint here (reused if present)")
    ap.add_argument("--prompt-tokens", type=int, default=64)
    ap.add_argument("-n", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()
    threads = os.cpu_count()

    with open(args.config) as f:
        cfg = json.load(f)
    prompt = [(7 * i + 11) % cfg["vocab_size"] for i in range(args.prompt_tokens)]
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = args.checkpoint_dir or tmp
        if not os.path.isfile(os.path.join(ckpt, "model.safetensors")):
            subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__),
                                                         "make_checkpoint.py"),
                            ckpt, "--layers", str(cfg["n_layer"]), "--heads", str(cfg["n_head"]),
                            "--embd", str(cfg["n_embd"]), "--vocab", str(cfg["vocab_size"]),
                            "--positions", str(cfg["n_positions"]), "--prefix", "--scale", "0.1"],
                           check=True)
        library = [args.library] if args.library else []
        kf = tools.run_gpt2_json(
            [args.runner] + library + ["--model-dir", ckpt, "--tokens", ",".join(map(str, prompt)),
                                       "-n", str(args.n), "--json", "--device", args.device,
                                       "--repeat", str(args.repeat)])
        params = ref.load_gpt2_checkpoint(os.path.join(ckpt, "model.safetensors"))
    torch_device = "cuda" if args.device == "cuda" else "cpu"
    torch_runs = torch_generate(params, cfg, prompt, args.n, threads, torch_device, args.repeat)

    kf_prefill = kf["prompt_tokens_per_s"]
    kf_decode = kf["decode_ms_per_token"]
    pt_prefill = float(np.median([len(prompt) / p for _, p, _ in torch_runs]))
    pt_decode = float(np.median([1e3 * d / (args.n - 1) for _, _, d in torch_runs]))
    same = kf["generated"] == torch_runs[0][0]
    where = f"{threads} threads" if args.device == "cpu" else gpu_name()
    print(f"GPT-2 ({cfg['n_layer']} layers, n_embd {cfg['n_embd']}) on {args.device} ({where}), "
          f"{len(prompt)}-token prompt (bucket {kf['prefill_bucket']}), {args.n} new tokens, "
          f"median of {args.repeat}")
    print(f"{'':24}{'KernelForge':>14}{'PyTorch':>12}{'ratio':>8}")
    print(f"{'prompt tokens/s':24}{kf_prefill:14.1f}{pt_prefill:12.1f}{kf_prefill / pt_prefill:8.2f}")
    print(f"{'decode ms/token':24}{kf_decode:14.3f}{pt_decode:12.3f}{pt_decode / kf_decode:8.2f}")
    print("(ratios > 1: KernelForge faster)")
    print(f"same greedy tokens: {same}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": args.device, "where": where, "prompt_tokens": len(prompt),
                       "prefill_bucket": kf["prefill_bucket"], "new_tokens": args.n,
                       "kernelforge": {"prompt_tokens_per_s": kf_prefill,
                                       "decode_ms_per_token": kf_decode},
                       "pytorch": {"prompt_tokens_per_s": pt_prefill,
                                   "decode_ms_per_token": pt_decode},
                       "same_tokens": same}, f, indent=1)
    return 0 if same else 1


def gpu_name():
    import torch
    return torch.cuda.get_device_name()


if __name__ == "__main__":
    sys.exit(main())

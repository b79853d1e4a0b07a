"""Float64 NumPy reference semantics of the kf ops and of a GPT-2 forward.

Written from the op documentation (TransformerOps.td), independently of the
compiler's lowering, so compiled results can be checked against it.
"""

import math

import numpy as np


def linear(x, w, b=None, layout="in_out"):
    y = x @ (w if layout == "in_out" else w.T)
    return y if b is None else y + b


def dequantize(q, scales, layout="in_out"):
    """An i8 weight with f16 or f32 block scales along its input features."""
    q = np.asarray(q, np.float64)
    axis = 0 if layout == "in_out" else 1
    block = q.shape[axis] // scales.shape[axis]
    return q * np.repeat(np.asarray(scales, np.float64), block, axis=axis)


def matmul(a, b, transpose_rhs=False):
    return a @ (np.swapaxes(b, -1, -2) if transpose_rhs else b)


def conv2d(x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1,
           layout="nchw"):
    """PyTorch's Conv2d (cross-correlation): x [N, C, H, W] (or NHWC with
    layout='nhwc'), w [O, C/groups, KH, KW], b [O]; loops over the kernel
    taps, in float64."""
    x = np.asarray(x, np.float64)
    w = np.asarray(w, np.float64)
    if layout == "nhwc":
        x = x.transpose(0, 3, 1, 2)
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    (sy, sx), (py, px), (dy, dx) = stride, padding, dilation
    xp = np.zeros((n, c, h + 2 * py, wd + 2 * px))
    xp[:, :, py:py + h, px:px + wd] = x
    oh = (h + 2 * py - dy * (kh - 1) - 1) // sy + 1
    ow = (wd + 2 * px - dx * (kw - 1) - 1) // sx + 1
    og = o // groups
    out = np.zeros((n, o, oh, ow))
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dy:i * dy + sy * (oh - 1) + 1:sy,
                           j * dx:j * dx + sx * (ow - 1) + 1:sx]  # [N, C', OH, OW]
                out[:, g * og:(g + 1) * og] += np.einsum(
                    "nchw,oc->nohw", patch, w[g * og:(g + 1) * og, :, i, j])
    if b is not None:
        out += np.asarray(b, np.float64)[None, :, None, None]
    return out.transpose(0, 2, 3, 1) if layout == "nhwc" else out


def layer_norm(x, scale=None, bias=None, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    if scale is not None:
        y = y * scale
    if bias is not None:
        y = y + bias
    return y


def rms_norm(x, scale, eps=1e-6):
    return x / np.sqrt((x ** 2).mean(axis=-1, keepdims=True) + eps) * scale


def gelu(x, approximation="tanh"):
    if approximation == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def silu(x):
    return x / (1 + np.exp(-x))


def swiglu(gate, up):
    return silu(gate) * up


def causal_mask(sq, sk, offset):
    """True where key j is hidden from query i: j > i + offset."""
    return np.arange(sk)[None, :] > (np.arange(sq)[:, None] + offset)


def softmax(x, axis=-1, causal=False):
    if causal:
        sq, sk = x.shape[-2], x.shape[-1]
        x = np.where(causal_mask(sq, sk, sk - sq), -np.inf, x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def attention(q, k, v, mask=None, causal=False, offset=None, scale=None, window=None,
              softcap=None):
    """softmax(scale QK^T + mask) V; GQA by repeating K/V; a sliding
    `window` hides keys j <= i + offset - window; `softcap` maps the scaled
    scores s to softcap * tanh(s / softcap) before the mask."""
    b, h, sq, d = q.shape
    hkv, sk = k.shape[1], k.shape[2]
    group = h // hkv
    k = np.repeat(k, group, axis=1)
    v = np.repeat(v, group, axis=1)
    scale = 1 / math.sqrt(d) if scale is None else scale
    s = scale * (q @ np.swapaxes(k, -1, -2))
    if softcap is not None:
        s = softcap * np.tanh(s / softcap)
    if mask is not None:
        s = s + mask
    if causal:
        off = sk - sq if offset is None else offset
        hidden = causal_mask(sq, sk, off)
        if window is not None:
            hidden |= np.arange(sk)[None, :] + window <= np.arange(sq)[:, None] + off
        s = np.where(hidden, -np.inf, s)
    return softmax(s) @ v


def split_heads(x, num_heads):
    b, s, f = x.shape
    return x.reshape(b, s, num_heads, f // num_heads).transpose(0, 2, 1, 3)


def merge_heads(x):
    b, h, s, d = x.shape
    return x.transpose(0, 2, 1, 3).reshape(b, s, h * d)


def embedding(ids, table, positions=None, offset=0):
    y = table[ids]
    if positions is not None:
        s = ids.shape[-1]
        y = y + positions[offset:offset + s]
    return y


def rope(x, offset=0, theta=10000.0, interleaved=False, inv_freq=None):
    b, h, s, d = x.shape
    inv = theta ** (-2 * np.arange(d // 2) / d) if inv_freq is None else np.asarray(inv_freq)
    ang = (offset + np.arange(s))[:, None] * inv[None, :]
    cos, sin = np.cos(ang), np.sin(ang)
    y = np.empty_like(x)
    if interleaved:
        x0, x1 = x[..., 0::2], x[..., 1::2]
        y[..., 0::2] = x0 * cos - x1 * sin
        y[..., 1::2] = x1 * cos + x0 * sin
    else:
        x0, x1 = x[..., : d // 2], x[..., d // 2:]
        y[..., : d // 2] = x0 * cos - x1 * sin
        y[..., d // 2:] = x1 * cos + x0 * sin
    return y


def kv_cache_update(update, cache, position):
    out = cache.copy()
    out[:, :, position:position + update.shape[2]] = update
    return out


def argmax(x, axis=-1):
    return np.argmax(x, axis=axis)


def gpt2_block(x, p, prefix, n_head, eps=1e-5, kv_round=None):
    """One GPT-2 block with Hugging Face parameter names under `prefix`;
    `kv_round` rounds the keys and values as a 16-bit KV cache keeps them
    (e.g. storage.round_bf16)."""
    g = lambda name: p[prefix + name]
    h = layer_norm(x, g("ln_1.weight"), g("ln_1.bias"), eps)
    qkv = linear(h, g("attn.c_attn.weight"), g("attn.c_attn.bias"))
    q, k, v = np.split(qkv, 3, axis=-1)
    if kv_round is not None:
        k, v = kv_round(k), kv_round(v)
    a = attention(split_heads(q, n_head), split_heads(k, n_head),
                  split_heads(v, n_head), causal=True)
    x = x + linear(merge_heads(a), g("attn.c_proj.weight"), g("attn.c_proj.bias"))
    h = layer_norm(x, g("ln_2.weight"), g("ln_2.bias"), eps)
    h = gelu(linear(h, g("mlp.c_fc.weight"), g("mlp.c_fc.bias")), "tanh")
    return x + linear(h, g("mlp.c_proj.weight"), g("mlp.c_proj.bias"))


def gpt2_logits(ids, p, n_head, eps=1e-5, kv_round=None):
    """Logits [B, S, V] of a GPT-2 with tied embeddings, all positions."""
    x = embedding(ids, p["wte.weight"], p["wpe.weight"])
    n_layer = len({k.split(".")[1] for k in p if k.startswith("h.")})
    for i in range(n_layer):
        x = gpt2_block(x, p, f"h.{i}.", n_head, eps, kv_round)
    x = layer_norm(x, p["ln_f.weight"], p["ln_f.bias"], eps)
    head = p.get("lm_head.weight", p["wte.weight"])
    return linear(x, head, layout="out_in")


def load_gpt2_checkpoint(path):
    """Float64 parameters of a Hugging Face GPT-2 safetensors file, named as
    in the kf graph: the `transformer.` prefix dropped, the attention-mask
    buffers ignored."""
    from kernelforge import safetensors_io

    params = {}
    for name, array in dequantized(safetensors_io.read(path)).items():
        if name.endswith(".attn.bias") or name.endswith(".attn.masked_bias"):
            continue
        if name.startswith("transformer."):
            name = name[len("transformer."):]
        params[name] = array.astype(np.float64)
    return params


def dequantized(tensors):
    """{name: array} with each int8 tensor NAME (a checkpoint KernelForge
    saved with --save-weights) replaced by its float64 values q * scale, the
    scales NAME.scales one per block of consecutive values along the
    dimension they are shorter in; the scales entries dropped."""
    from kernelforge import storage

    out = {}
    for name, array in tensors.items():
        if name.endswith(".scales") and name[:-len(".scales")] in tensors and \
                tensors[name[:-len(".scales")]].dtype == np.int8:
            continue
        out[name] = storage.dequantize_int8(array, tensors[name + ".scales"]) \
            if array.dtype == np.int8 else array
    return out


def gpt2_config(path):
    """(n_head, layer_norm_epsilon, tie_word_embeddings) of a config.json."""
    import json

    with open(path) as f:
        c = json.load(f)
    return c["n_head"], c.get("layer_norm_epsilon", 1e-5), c.get("tie_word_embeddings", True)


def gpt2_logits_from(ids, p, n_head, eps=1e-5, tied=True, kv_round=None):
    """Logits [S, V] of one sequence of token ids."""
    if tied:
        p = {k: v for k, v in p.items() if k != "lm_head.weight"}
    return gpt2_logits(np.asarray(ids)[None, :], p, n_head, eps, kv_round)[0]


def rope_frequencies(d, theta, scaling=None):
    """The D/2 inverse frequencies of Hugging Face's rope for a config's
    rope_scaling: none, `linear` (all divided by factor) or `llama3`
    (long wavelengths divided by factor, short ones kept, a smooth blend
    between), as transformers' _compute_llama3_parameters."""
    inv = 1.0 / theta ** (np.arange(0, d, 2) / d)
    kind = (scaling or {}).get("rope_type", (scaling or {}).get("type"))
    if not scaling or kind == "default":
        return inv
    factor = scaling["factor"]
    if kind == "linear":
        return inv / factor
    low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
    old = scaling["original_max_position_embeddings"]
    wavelen = 2 * math.pi / inv
    smooth = (old / wavelen - low) / (high - low)
    blended = (1 - smooth) * inv / factor + smooth * inv
    return np.where(wavelen > old / low, inv / factor,
                    np.where(wavelen < old / high, inv, blended))


def llama_logits(ids, p, config, kv_round=None):
    """Logits [S, V] of one sequence under a Hugging Face LlamaForCausalLM
    config dict (float64): RMS norms, rotate-half RoPE, grouped-query
    attention, SwiGLU MLP, tied or untied head; `kv_round` rounds the keys
    (after RoPE) and values as a 16-bit KV cache keeps them."""
    e, heads = config["hidden_size"], config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    d = config.get("head_dim") or e // heads
    eps, theta = config.get("rms_norm_eps", 1e-6), config.get("rope_theta", 10000.0)
    inv = rope_frequencies(d, theta, config.get("rope_scaling"))
    x = p["model.embed_tokens.weight"][np.asarray(ids)][None]

    def proj(h, name):
        y = h @ p[name + ".weight"].T
        return y + p[name + ".bias"] if name + ".bias" in p else y

    for i in range(config["num_hidden_layers"]):
        pre = f"model.layers.{i}."
        h = rms_norm(x, p[pre + "input_layernorm.weight"], eps)
        q = rope(split_heads(proj(h, pre + "self_attn.q_proj"), heads), inv_freq=inv)
        k = rope(split_heads(proj(h, pre + "self_attn.k_proj"), kv_heads), inv_freq=inv)
        v = split_heads(proj(h, pre + "self_attn.v_proj"), kv_heads)
        if kv_round is not None:
            k, v = kv_round(k), kv_round(v)
        attn = attention(q, k, v, causal=True, window=config.get("sliding_window")
                         if config.get("model_type") == "mistral" else None)
        x = x + proj(merge_heads(attn), pre + "self_attn.o_proj")
        h = rms_norm(x, p[pre + "post_attention_layernorm.weight"], eps)
        mlp = swiglu(proj(h, pre + "mlp.gate_proj"), proj(h, pre + "mlp.up_proj"))
        x = x + proj(mlp, pre + "mlp.down_proj")
    x = rms_norm(x, p["model.norm.weight"], eps)
    head = p.get("lm_head.weight", p["model.embed_tokens.weight"])
    return (x @ head.T)[0]


def vit_preprocess(images, preprocessor=None):
    """uint8 pixels [N, H, W] or [N, H, W, C] as ViTImageProcessor leaves
    them for images already at the model's size: rescaled (1/255 by
    default), normalised with image_mean / image_std (0.5), channels last."""
    cfg = preprocessor or {}
    x = np.asarray(images, np.float64)
    if x.ndim == 3:
        x = x[..., None]
    if cfg.get("do_rescale", True):
        x = x * cfg.get("rescale_factor", 1 / 255)
    if cfg.get("do_normalize", True):
        c = x.shape[-1]
        mean = np.asarray(cfg.get("image_mean", [0.5] * c), np.float64)
        std = np.asarray(cfg.get("image_std", [0.5] * c), np.float64)
        x = (x - mean) / std
    return x


def vit_logits(pixels, p, config):
    """Logits [N, labels] of Hugging Face ViTForImageClassification on
    preprocessed pixels [N, S, S, C] (float64): the patch embedding as a
    convolution, the class token and positions, pre-LayerNorm encoder layers
    with non-causal attention and a GELU MLP, the final LayerNorm and the
    classifier on the class token."""
    d, heads = config["hidden_size"], config["num_attention_heads"]
    patch, eps = config["patch_size"], config.get("layer_norm_eps", 1e-12)
    act = "erf" if config.get("hidden_act", "gelu") == "gelu" else "tanh"
    x = conv2d(pixels, p["vit.embeddings.patch_embeddings.projection.weight"],
               p["vit.embeddings.patch_embeddings.projection.bias"],
               stride=(patch, patch), layout="nhwc")
    n = x.shape[0]
    x = x.reshape(n, -1, d)
    cls = np.broadcast_to(p["vit.embeddings.cls_token"], (n, 1, d))
    x = np.concatenate([cls, x], axis=1) + p["vit.embeddings.position_embeddings"]

    def proj(h, name):
        y = h @ p[name + ".weight"].T
        return y + p[name + ".bias"] if name + ".bias" in p else y

    for i in range(config["num_hidden_layers"]):
        pre = f"vit.encoder.layer.{i}."
        h = layer_norm(x, p[pre + "layernorm_before.weight"], p[pre + "layernorm_before.bias"], eps)
        q, k, v = (split_heads(proj(h, pre + "attention.attention." + w), heads)
                   for w in ("query", "key", "value"))
        x = x + proj(merge_heads(attention(q, k, v)), pre + "attention.output.dense")
        h = layer_norm(x, p[pre + "layernorm_after.weight"], p[pre + "layernorm_after.bias"], eps)
        x = x + proj(gelu(proj(h, pre + "intermediate.dense"), act), pre + "output.dense")
    x = layer_norm(x, p["vit.layernorm.weight"], p["vit.layernorm.bias"], eps)
    return proj(x[:, 0], "classifier")

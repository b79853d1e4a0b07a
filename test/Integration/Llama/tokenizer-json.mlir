// A model directory with a Hugging Face tokenizer.json generates through
// kernelforge-generate: the SentencePiece-style BPE of Llama 2 and Mistral
// and the byte-level BPE of Llama 3 (the real files of npm's @lenml
// packages; their exactness is test/Runtime/tokenizer-json-*.mlir's).
// REQUIRES: lenml-llama2, lenml-llama3
// RUN: rm -rf %t && %python %kf_py/make_llama_checkpoint.py %t --vocab 32000 --hidden 16 --heads 2 --kv-heads 1 --inner 16 --layers 1
// RUN: cp %lenml_llama2/models/tokenizer.json %t/

// A text prompt starts with <s>, and the prompt is echoed without the
// prepended boundary.
// RUN: kernelforge-generate --model-dir %t --prompt "Hello world" --encode-only | FileCheck %s --check-prefix=BOS
// BOS: {{^}}1,
// RUN: kernelforge-generate --model-dir %t --prompt "Hello world" -n 2 2>/dev/null | FileCheck %s --check-prefix=ECHO
// ECHO: {{^}}Hello world

// Llama 3's byte-level tokenizer.json with a config whose BOS is
// <|begin_of_text|>: the prompt is encoded after it and echoed byte for byte.
// RUN: rm -rf %t3 && %python %kf_py/make_llama_checkpoint.py %t3 --vocab 128256 --hidden 16 --heads 2 --kv-heads 1 --inner 16 --layers 1 --set bos_token_id=128000 --set eos_token_id=128001
// RUN: cp %lenml_llama3/models/tokenizer.json %lenml_llama3/models/tokenizer_config.json %t3/
// RUN: kernelforge-generate --model-dir %t3 --prompt "Hello world, 🤗" --encode-only | FileCheck %s --check-prefix=BOS3
// BOS3: {{^}}128000,9906,1917,11,11410,97,245{{$}}
// RUN: kernelforge-generate --model-dir %t3 --prompt "Hello world, 🤗" -n 2 2>/dev/null | FileCheck %s --check-prefix=ECHO3
// ECHO3: {{^}}Hello world, 🤗

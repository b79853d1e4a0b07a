// GPT-2's tokenizer as a Hugging Face tokenizer.json (a ByteLevel
// pre-tokenizer with GPT-2's own pattern, use_regex, and <|endoftext|> as an
// added special token), built here from the same vocab.json and merges.txt,
// encodes the corpus exactly as the vocab.json + merges.txt reader does
// (which test/Runtime/gpt2-tokenizer-reference.mlir checks against
// gpt-3-encoder). Written text that looks like <|endoftext|> becomes the
// special token in the tokenizer.json form only.
// RUN: rm -rf %t && mkdir -p %t/json
// RUN: %python -c "import json; d = '%gpt2_tokenizer'; vocab = json.load(open(d + '/vocab.json')); merges = [l for l in open(d + '/merges.txt', encoding='utf-8').read().split('\n')[1:] if l]; json.dump({'model': {'type': 'BPE', 'vocab': vocab, 'merges': merges}, 'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True}, 'decoder': {'type': 'ByteLevel'}, 'added_tokens': [{'id': 50256, 'content': '<|endoftext|>', 'special': True}]}, open('%t/json/tokenizer.json', 'w'))"
// RUN: %python %kf_py/check_tokenizer_json.py --tokenize kernelforge-tokenize --dir %t/json --same-as %gpt2_tokenizer | FileCheck %s
// CHECK: 25 texts, 25 identical to the reference tokenizer: ok
// RUN: kernelforge-tokenize %t/json "a<|endoftext|>b" | FileCheck %s --check-prefix=SPECIAL
// SPECIAL: {{^}}64,50256,65{{$}}

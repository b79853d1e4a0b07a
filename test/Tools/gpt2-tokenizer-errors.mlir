// GPT-2's vocab.json + merges.txt: a pair that cannot make a tokenizer is
// refused with a message naming the file and the token or line, before
// anything is built (found by fuzz/gpt2-tokenizer: an id of 2^43 made the
// id table take terabytes).
// RUN: rm -rf %t && mkdir -p %t && printf 'h e\n' > %t/merges.txt
// RUN: printf '{"h": 0, "e": 8796093022208}' > %t/vocab.json
// RUN: not kernelforge-gpt2 --tokenizer %t --encode-only --prompt he 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: error: '{{.*}}vocab.json': token 'e' has id 8796093022208, beyond the largest a vocabulary of 2 tokens may use (1028)
// RUN: printf '{"h": 0, "e": 0}' > %t/vocab.json
// RUN: not kernelforge-gpt2 --tokenizer %t --encode-only --prompt he 2>&1 | FileCheck %s --check-prefix=SHARED
// SHARED: error: '{{.*}}vocab.json': tokens 'e' and 'h' share id 0
// RUN: printf '{"h": -1}' > %t/vocab.json
// RUN: not kernelforge-gpt2 --tokenizer %t --encode-only --prompt he 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// NEGATIVE: error: '{{.*}}vocab.json': token 'h' has no valid id
// RUN: printf '["h"]' > %t/vocab.json
// RUN: not kernelforge-gpt2 --tokenizer %t --encode-only --prompt he 2>&1 | FileCheck %s --check-prefix=ARRAY
// ARRAY: error: '{{.*}}vocab.json' is not a JSON object of token -> id
// RUN: printf '{"h": 0, "e": 1, "he": 2}' > %t/vocab.json && printf '#version: 0.2\nh e\nhe\n' > %t/merges.txt
// RUN: not kernelforge-gpt2 --tokenizer %t --encode-only --prompt he 2>&1 | FileCheck %s --check-prefix=MERGE
// MERGE: error: '{{.*}}merges.txt' line 3: expected two symbols separated by a space
// The same small pair, well formed, encodes with its one merge.
// RUN: printf '#version: 0.2\nh e\n' > %t/merges.txt
// RUN: kernelforge-gpt2 --tokenizer %t --encode-only --prompt hehe | FileCheck %s --check-prefix=GOOD
// GOOD: 2

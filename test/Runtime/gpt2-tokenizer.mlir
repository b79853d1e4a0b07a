// GPT-2's byte-level BPE with the real vocab.json / merges.txt.
// RUN: kernelforge-gpt2 --tokenizer %gpt2_tokenizer --encode-only --prompt "Hello world" | FileCheck %s --check-prefix=HELLO
// RUN: kernelforge-gpt2 --tokenizer %gpt2_tokenizer --decode-only --tokens 15496,995 | FileCheck %s --check-prefix=TEXT
// Contractions, whitespace runs, digits, emoji (a 4-byte character split
// over byte tokens), accents; the ids are gpt-3-encoder's for this text:
// RUN: printf "I'm  here's   it's\n\n  12345 🤖 café" > %t.txt
// RUN: kernelforge-gpt2 --tokenizer %gpt2_tokenizer --encode-only --prompt-file %t.txt | FileCheck %s --check-prefix=MIXED
// Round trip: decode(encode(text)) gives back the bytes.
// RUN: kernelforge-gpt2 --tokenizer %gpt2_tokenizer --decode-only --tokens $(kernelforge-gpt2 --tokenizer %gpt2_tokenizer --encode-only --prompt-file %t.txt) > %t.back
// RUN: cmp %t.txt %t.back
// A token that is half of a UTF-8 character decodes to its raw byte.
// RUN: kernelforge-gpt2 --tokenizer %gpt2_tokenizer --decode-only --tokens 12520 | od -An -tx1 | FileCheck %s --check-prefix=BYTE
// Invalid UTF-8 is an error naming the byte.
// RUN: printf 'ok \377 no' > %t.bad
// RUN: not kernelforge-gpt2 --tokenizer %gpt2_tokenizer --encode-only --prompt-file %t.bad 2>&1 | FileCheck %s --check-prefix=INVALID

// HELLO: 15496,995
// TEXT: Hello world
// MIXED: 40,1101,220,994,338,220,220,340,338,628,220,17031,2231,12520,97,244,40304
// BYTE: f0 9f
// INVALID: error: cannot encode the prompt: not valid UTF-8: invalid UTF-8 byte 0xff at byte 3

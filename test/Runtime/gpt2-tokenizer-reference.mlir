// REQUIRES: gpt3-encoder
// Token for token equal to the reference implementation (npm's
// gpt-3-encoder, GPT-2's encoder.py in JavaScript) on text with whitespace
// runs, tabs, contractions in odd places, digits, emoji with modifiers,
// CJK, RTL scripts, combining marks and punctuation runs.
// RUN: %python %S/Inputs/write_corpus.py %t
// RUN: for f in %t/*.txt; do node -e "const e = require('%gpt3_encoder'); process.stdout.write(e.encode(require('fs').readFileSync(process.argv[1], 'utf8')).join(',') + '\n')" $f > $f.ref && kernelforge-gpt2 --tokenizer %gpt2_tokenizer --encode-only --prompt-file $f > $f.kf && cmp $f.ref $f.kf || exit 1; done
// RUN: ls %t/*.kf | count 12

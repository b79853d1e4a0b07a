// REQUIRES: x86-avx512bf16
// GPT-2 124M (the published config, a random checkpoint of GPT-2-like
// magnitudes) with prefill's products in bf16 pairs (--pipeline-options
// bf16-products=1, on this AVX-512 BF16 host), f32, bf16 and int8 weights
// (int8 blocks dequantised into the pair panels, rounded to bf16): the
// 64-token prompt's products (pairs from 64 rows on) round their
// activations to bf16 too, so the logits (prefill, and every decode step,
// which reads the KV cache that prefill wrote) move from the float64
// reference by up to 0.03 (measured 0.032 with f32 weights, 0.018 with
// bf16, 0.028 with int8; f32 products stay within 1e-3): atol 0.08, and
// the greedy tokens are the reference's.
// DEFINE: %{prompt} = 13,7932,15851,23770,31689,39608,47527,5189,13108,21027,28946,36865,44784,2446,10365,18284,26203,34122,42041,49960,7622,15541,23460,31379,39298,47217,4879,12798,20717,28636,36555,44474,2136,10055,17974,25893,33812,41731,49650,7312,15231,23150,31069,38988,46907,4569,12488,20407,28326,36245,44164,1826,9745,17664,25583,33502,41421,49340,7002,14921,22840,30759,38678,46597
// RUN: rm -rf %t && %python %kf_py/make_checkpoint.py %t --layers 12 --heads 12 --embd 768 --vocab 50257 --positions 1024 --prefix --scale 0.1
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t --tokens %{prompt} -n 4 --atol 0.08 --rtol 0 --pipeline-options bf16-products=1
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t --tokens %{prompt} -n 4 --atol 0.08 --rtol 0 --pipeline-options bf16-products=1 --dtype bf16
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t --tokens %{prompt} -n 4 --atol 0.08 --rtol 0 --pipeline-options bf16-products=1 --dtype int8

// REQUIRES: shared-models
// The graph's kf.param arguments name exactly the tensors of the real
// checkpoint, with the same shapes (read independently from the
// safetensors header), and count the same number of parameters.
// RUN: kernelforge-gpt2-graph %shared/models/makemore-names/config.json \
// RUN:   | kernelforge-opt --kf-print-model-stats=list-params -o /dev/null \
// RUN:   | grep '^  param ' > %t.graph
// RUN: %python %kf_src_root/python/kernelforge/safetensors_params.py \
// RUN:   %shared/models/makemore-names/model.safetensors > %t.checkpoint
// RUN: diff %t.checkpoint %t.graph
// RUN: kernelforge-opt --kf-print-model-stats %kf_src_root/models/gpt2/gpt2-makemore.mlir -o /dev/null | FileCheck %s
// RUN: %python %kf_src_root/python/kernelforge/safetensors_params.py --count \
// RUN:   %shared/models/makemore-names/model.safetensors | FileCheck %s
// CHECK: parameters: 204,544

// RUN: kernelforge-opt %s --convert-kf-to-linalg="key-tile=32" --split-input-file | FileCheck %s --check-prefix=FUSED
// RUN: kernelforge-opt %s --convert-kf-to-linalg="decompose-attention=1" --split-input-file | FileCheck %s --check-prefix=DECOMP

// Decode against an 80-row cache. Fused: an scf.forall over (batch, head,
// query block); each iteration loops over key tiles of 20 (the largest
// divisor of 80 not above 32), stopping at the tile holding key
// offset + Sq - 1, and carries max, sum and output of its block.
// FUSED-DAG: #[[$Q:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// FUSED-DAG: #[[$K:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// FUSED-DAG: #[[$S:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// FUSED-DAG: #[[$V:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
// FUSED-LABEL: func.func @decode
// FUSED-SAME: (%[[QIN:[a-z0-9]+]]: tensor<1x2x1x16xf32>, %[[KIN:[a-z0-9]+]]: tensor<1x2x80x16xf32>, %[[VIN:[a-z0-9]+]]: tensor<1x2x80x16xf32>, %[[POS:[a-z0-9]+]]: index)
// FUSED: %[[OUT:.+]] = scf.forall (%[[B:.+]], %[[H:.+]], %[[QB:.+]]) in (1, 2, 1) shared_outs(%[[SHARED:.+]] = %{{.+}}) -> (tensor<1x2x1x16xf32>)
// FUSED: %[[QBLK:.+]] = tensor.extract_slice %[[QIN]][%[[B]], %[[H]], %[[QB]], 0] [1, 1, 1, 16]
// FUSED: %[[KHEAD:.+]] = tensor.extract_slice %[[KIN]][%[[B]], %[[H]], 0, 0] [1, 1, 80, 16]
// FUSED: %[[VHEAD:.+]] = tensor.extract_slice %[[VIN]][%[[B]], %[[H]], 0, 0] [1, 1, 80, 16]
// FUSED: %[[OFF:.+]] = arith.addi %[[POS]], %[[QB]] : index
// FUSED: %[[SEEN:.+]] = arith.addi %[[OFF]], %{{.+}} : index
// FUSED: %[[TILES:.+]] = arith.ceildivui %[[SEEN]], %{{.+}} : index
// FUSED: %[[END:.+]] = arith.muli %[[TILES]]
// FUSED: %[[UB:.+]] = arith.minui %{{.+}}, %[[END]] : index
// FUSED: %[[LOOP:.+]]:3 = scf.for %[[KT:.+]] = %{{.+}} to %[[UB]] step %{{.+}} iter_args(%[[M:.+]] = %{{.+}}, %[[L:.+]] = %{{.+}}, %[[ACC:.+]] = %{{.+}}) -> (tensor<1x1x1xf32>, tensor<1x1x1xf32>, tensor<1x1x1x16xf32>)
// FUSED: %[[KTILE:.+]] = tensor.extract_slice %[[KHEAD]][0, 0, %[[KT]], 0] [1, 1, 20, 16] [1, 1, 1, 1]
// FUSED: %[[VTILE:.+]] = tensor.extract_slice %[[VHEAD]][0, 0, %[[KT]], 0] [1, 1, 20, 16] [1, 1, 1, 1]
// FUSED: linalg.generic {indexing_maps = [#[[$Q]], #[[$K]], #[[$S]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[QBLK]], %[[KTILE]] :
// FUSED: %[[KEY:.+]] = arith.addi %{{.+}}, %[[KT]] : index
// FUSED: %[[LIMIT:.+]] = arith.addi %{{.+}}, %[[OFF]] : index
// FUSED: arith.cmpi sgt, %[[KEY]], %[[LIMIT]] : index
// FUSED: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// FUSED: arith.maximumf
// FUSED: ins(%[[M]], %{{.+}} : tensor<1x1x1xf32>, tensor<1x1x1xf32>)
// FUSED: math.exp
// FUSED: outs(%[[M]] : tensor<1x1x1xf32>)
// FUSED: outs(%[[L]] : tensor<1x1x1xf32>)
// FUSED: outs(%[[ACC]] : tensor<1x1x1x16xf32>)
// FUSED: linalg.generic {indexing_maps = [#[[$Q]], #[[$V]], #[[$S]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %[[VTILE]] :
// FUSED: scf.yield
// FUSED: %[[RES:.+]] = linalg.generic {{.*}} ins(%[[LOOP]]#2, %[[LOOP]]#1 :
// FUSED: arith.divf
// FUSED: scf.forall.in_parallel
// FUSED: tensor.parallel_insert_slice %[[RES]] into %[[SHARED]][%[[B]], %[[H]], %[[QB]], 0] [1, 1, 1, 16]
// FUSED: return %[[OUT]]

// Decomposed: scores over all 80 keys, a masked softmax, then PV; no loop.
// DECOMP-LABEL: func.func @decode
// DECOMP-NOT: scf.for
// DECOMP: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]{{.*}}outs(%{{.+}} : tensor<1x2x1x80xf32>)
// DECOMP: arith.cmpi sgt
// DECOMP: arith.maximumf
// DECOMP: math.exp
// DECOMP: arith.divf
// DECOMP: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]{{.*}}outs(%{{.+}} : tensor<1x2x1x16xf32>)
func.func @decode(%q: tensor<1x2x1x16xf32>, %k: tensor<1x2x80x16xf32>, %v: tensor<1x2x80x16xf32>, %pos: index) -> tensor<1x2x1x16xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) : tensor<1x2x1x16xf32>, tensor<1x2x80x16xf32>, tensor<1x2x80x16xf32> -> tensor<1x2x1x16xf32>
  return %o : tensor<1x2x1x16xf32>
}

// -----

// Grouped-query attention: query head h reads key/value head h floordiv 2,
// a slice in the fused form and a map in the decomposed one.
// FUSED-LABEL: func.func @grouped
// FUSED-SAME: %[[K:[a-z0-9]+]]: tensor<1x2x6x8xf32>
// FUSED: scf.forall (%[[B:.+]], %[[H:.+]], %{{.+}}) = (0, 0, 0) to (1, 4, 6) step (1, 1, 6)
// FUSED: %[[KVH:.+]] = arith.divui %[[H]], %{{.+}} : index
// FUSED: tensor.extract_slice %[[K]][%[[B]], %[[KVH]], 0, 0] [1, 1, 6, 8]
// DECOMP-DAG: #[[$KGQA:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 2, d3, d4)>
// DECOMP-LABEL: func.func @grouped
// DECOMP: linalg.generic {indexing_maps = [#{{.+}}, #[[$KGQA]], #{{.+}}]
func.func @grouped(%q: tensor<1x4x6x8xf32>, %k: tensor<1x2x6x8xf32>, %v: tensor<1x2x6x8xf32>) -> tensor<1x4x6x8xf32> {
  %o = kf.attention %q, %k, %v : tensor<1x4x6x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32> -> tensor<1x4x6x8xf32>
  return %o : tensor<1x4x6x8xf32>
}

// -----

// A sliding window of 16 keys in decode: the key loop starts at the tile
// holding key pos + 1 - 16 (0 while pos + 1 < 16), so a long cache costs
// the window, not the context; the partly visible tile masks by index.
// FUSED-LABEL: func.func @windowed
// FUSED: %[[OFF:.+]] = arith.addi %{{.+}}, %{{.+}} : index
// FUSED: %[[UB:.+]] = arith.minui
// FUSED: %[[REACH:.+]] = arith.addi %[[OFF]], %[[ONE:.+]] : index
// FUSED: %[[PAST:.+]] = arith.cmpi uge, %[[REACH]], %[[W:.+]] : index
// FUSED: %[[FIRST:.+]] = arith.subi %[[REACH]], %[[W]] : index
// FUSED: %[[T:.+]] = arith.divui %[[FIRST]], %{{.+}} : index
// FUSED: %[[ALIGNED:.+]] = arith.muli %[[T]], %{{.+}} : index
// FUSED: %[[LB:.+]] = arith.select %[[PAST]], %[[ALIGNED]], %{{.+}} : index
// FUSED: scf.for %{{.+}} = %[[LB]] to %[[UB]] step %{{.+}}
// FUSED: arith.cmpi sle
func.func @windowed(%q: tensor<1x2x1x16xf32>, %k: tensor<1x2x256x16xf32>, %v: tensor<1x2x256x16xf32>, %pos: index) -> tensor<1x2x1x16xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) {window = 16 : i64} : tensor<1x2x1x16xf32>, tensor<1x2x256x16xf32>, tensor<1x2x256x16xf32> -> tensor<1x2x1x16xf32>
  return %o : tensor<1x2x1x16xf32>
}

// -----

// A prefill block of 64 queries reuses each key 64 times: its key tile of
// 32 is first copied transposed ([32, 16] -> [16, 32], a copy marked for
// kf-tile-and-vectorize's in-register transposes), so that the scores are a
// product whose register tile reads contiguous keys. The scores go into a
// buffer the loop carries (a zero fill of their own would be merged with
// the output's and copied at every step).
// FUSED-DAG: #[[$KT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>
// FUSED-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// FUSED-DAG: #[[$QP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// FUSED-DAG: #[[$KTP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
// FUSED-DAG: #[[$SP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// FUSED-LABEL: func.func @prefill_block
// FUSED: %[[SCRATCH0:.+]] = tensor.empty() : tensor<1x1x64x32xf32>
// FUSED: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %[[SCRATCH:.+]] = %[[SCRATCH0]]) -> (tensor<1x1x64xf32>, tensor<1x1x64xf32>, tensor<1x1x64x16xf32>, tensor<1x1x64x32xf32>)
// FUSED: %[[KTILE:.+]] = tensor.extract_slice %{{.+}}[0, 0, %{{.+}}, 0] [1, 1, 32, 16] [1, 1, 1, 1]
// FUSED: %[[KTEMPTY:.+]] = tensor.empty() : tensor<1x1x16x32xf32>
// FUSED: %[[KTRANS:.+]] = linalg.generic {indexing_maps = [#[[$KT]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[KTILE]] : tensor<1x1x32x16xf32>) outs(%[[KTEMPTY]] : tensor<1x1x16x32xf32>) attrs = {kf.transposing_copy = array<i64: 2, 3>}
// FUSED: %[[ZEROED:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[SCRATCH]] : tensor<1x1x64x32xf32>)
// FUSED: %[[SCORES:.+]] = linalg.generic {indexing_maps = [#[[$QP]], #[[$KTP]], #[[$SP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %[[KTRANS]] : tensor<1x1x64x16xf32>, tensor<1x1x16x32xf32>) outs(%[[ZEROED]] : tensor<1x1x64x32xf32>)
// FUSED: scf.yield %{{.+}}, %{{.+}}, %{{.+}}, %[[SCORES]] :
// The decomposed form is unchanged: the scores of all keys at once.
// DECOMP-LABEL: func.func @prefill_block
// DECOMP-NOT: kf.transposing_copy
// DECOMP: return
func.func @prefill_block(%q: tensor<1x1x64x16xf32>, %k: tensor<1x1x64x16xf32>, %v: tensor<1x1x64x16xf32>) -> tensor<1x1x64x16xf32> {
  %o = kf.attention %q, %k, %v causal : tensor<1x1x64x16xf32>, tensor<1x1x64x16xf32>, tensor<1x1x64x16xf32> -> tensor<1x1x64x16xf32>
  return %o : tensor<1x1x64x16xf32>
}

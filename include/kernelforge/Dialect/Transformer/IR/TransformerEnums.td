//===- TransformerEnums.td - kf dialect enumerations ---------*- tablegen -*-===//

#ifndef KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERENUMS_TD
#define KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERENUMS_TD

include "mlir/IR/EnumAttr.td"

def KF_WeightLayout : I32EnumAttr<"WeightLayout",
    "storage layout of a linear layer's weight", [
      I32EnumAttrCase<"InOut", 0, "in_out">,
      I32EnumAttrCase<"OutIn", 1, "out_in">
    ]> {
  let cppNamespace = "::mlir::kf";
  let description = [{
    `in_out`: the weight is `[in_features, out_features]` and `y = x W + b`
    (Hugging Face GPT-2 `Conv1D`). `out_in`: the weight is
    `[out_features, in_features]` and `y = x W^T + b` (`torch.nn.Linear`,
    tied `lm_head`). The lowering reads either layout in place.
  }];
}

def KF_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "how GELU is evaluated", [
      I32EnumAttrCase<"Erf", 0, "erf">,
      I32EnumAttrCase<"Tanh", 1, "tanh">
    ]> {
  let cppNamespace = "::mlir::kf";
  let description = [{
    `erf`: the exact `0.5 x (1 + erf(x / sqrt 2))`. `tanh`: the approximation
    `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))` that GPT-2 was trained
    with (`gelu_new` in Hugging Face).
  }];
}

def KF_ImageLayout : I32EnumAttr<"ImageLayout",
    "dimension order of an image batch", [
      I32EnumAttrCase<"NCHW", 0, "nchw">,
      I32EnumAttrCase<"NHWC", 1, "nhwc">
    ]> {
  let cppNamespace = "::mlir::kf";
  let description = [{
    `nchw`: `[batch, channels, height, width]` (PyTorch's). `nhwc`:
    `[batch, height, width, channels]` (decoded image files, channels
    innermost). A convolution's result has its input's layout.
  }];
}

#endif // KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERENUMS_TD

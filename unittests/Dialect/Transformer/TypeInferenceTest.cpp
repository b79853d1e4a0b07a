//===- TypeInferenceTest.cpp - kf inference paths C++ builders reach ------===//
//
// The parser and verifier never hand inference an unranked operand or a
// non-positive head count (type and attribute constraints run first), but
// C++ callers can: these must fail with a diagnostic, not crash.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

#include "gtest/gtest.h"

using namespace mlir;

namespace {

class TypeInferenceTest : public ::testing::Test {
protected:
  TypeInferenceTest() : builder(&context), loc(builder.getUnknownLoc()) {
    context.loadDialect<kf::TransformerDialect>();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [&](Diagnostic &diag) {
          messages.push_back(diag.str());
          return success();
        });
  }

  /// A value of `type`, defined by an unregistered op.
  Value valueOf(Type type) {
    OperationState state(loc, "test.source");
    state.addTypes(type);
    ops.push_back(Operation::create(state));
    return ops.back()->getResult(0);
  }

  ~TypeInferenceTest() override {
    for (Operation *op : ops)
      op->destroy();
  }

  MLIRContext context{MLIRContext::Threading::DISABLED};
  OpBuilder builder;
  Location loc;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::vector<std::string> messages;
  std::vector<Operation *> ops;
};

TEST_F(TypeInferenceTest, UnrankedOperandIsAnError) {
  context.allowUnregisteredDialects();
  Value unranked = valueOf(UnrankedTensorType::get(builder.getF32Type()));
  Value weight = valueOf(RankedTensorType::get({4, 4}, builder.getF32Type()));
  SmallVector<Type> inferred;
  kf::LinearOp::Properties properties;
  properties.weight_layout =
      kf::WeightLayoutAttr::get(&context, kf::WeightLayout::InOut);
  kf::LinearOp::Adaptor adaptor(ValueRange{unranked, weight}, DictionaryAttr(),
                                properties);
  EXPECT_TRUE(failed(
      kf::LinearOp::inferReturnTypes(&context, loc, adaptor, inferred)));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], "'kf.linear' op expected input to be a ranked tensor");
}

TEST_F(TypeInferenceTest, NoLocationMeansNoDiagnostic) {
  context.allowUnregisteredDialects();
  Value a = valueOf(RankedTensorType::get({4, 8}, builder.getF32Type()));
  Value b = valueOf(RankedTensorType::get({3, 8}, builder.getF32Type()));
  SmallVector<Type> inferred;
  kf::AddOp::Adaptor adaptor(ValueRange{a, b});
  EXPECT_TRUE(failed(kf::AddOp::inferReturnTypes(&context, std::nullopt,
                                                 adaptor, inferred)));
  EXPECT_TRUE(messages.empty());
}

TEST_F(TypeInferenceTest, NonPositiveHeadCountIsAnError) {
  context.allowUnregisteredDialects();
  Value x = valueOf(RankedTensorType::get({1, 16, 64}, builder.getF32Type()));
  SmallVector<Type> inferred;
  kf::SplitHeadsOp::Properties properties;
  properties.num_heads = builder.getI64IntegerAttr(0);
  kf::SplitHeadsOp::Adaptor adaptor(ValueRange{x}, DictionaryAttr(), properties);
  EXPECT_TRUE(failed(
      kf::SplitHeadsOp::inferReturnTypes(&context, loc, adaptor, inferred)));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], "'kf.split_heads' op expected num_heads > 0, got 0");
}

} // namespace

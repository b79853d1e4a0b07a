//===- GPT2ModelTest.cpp - GPT-2 configs, graphs and their statistics ----===//

#include "kernelforge/Dialect/Transformer/Analysis/ModelStats.h"
#include "kernelforge/Models/GPT2/GPT2Graph.h"

#include "gtest/gtest.h"

#include <algorithm>

using namespace kernelforge::gpt2;
using namespace mlir;

namespace {

struct PublishedModel {
  const char *config;
  /// Parameter counts Hugging Face and the GPT-2 paper's successors report
  /// for the released checkpoints (tied lm_head).
  int64_t parameters;
};

void PrintTo(const PublishedModel &model, std::ostream *os) {
  *os << model.config;
}

class GPT2ModelTest : public ::testing::TestWithParam<PublishedModel> {};

TEST_P(GPT2ModelTest, ParameterCountMatchesPublishedFigure) {
  std::string path =
      std::string(KF_SOURCE_DIR) + "/models/gpt2/configs/" + GetParam().config;
  auto config = loadGPT2Config(path);
  ASSERT_TRUE(static_cast<bool>(config)) << llvm::toString(config.takeError());

  MLIRContext context;
  auto module = buildGPT2Graph(&context, *config, {/*batch=*/1, /*seqLen=*/8});
  ASSERT_TRUE(static_cast<bool>(module)) << llvm::toString(module.takeError());
  auto fn = (**module).lookupSymbol<func::FuncOp>("gpt2");
  ASSERT_TRUE(fn);
  SymbolTableCollection symbols;
  FailureOr<kf::ModelStats> stats = kf::computeModelStats(fn, symbols);
  ASSERT_TRUE(succeeded(stats));
  EXPECT_EQ(stats->numParameters, GetParam().parameters);

  // Linear layers: 2 FLOP per weight per token, 8 tokens, where the head
  // reuses wte (vocab x n_embd) and embeddings do no arithmetic.
  int64_t e = config->embedDim, tokens = 8;
  int64_t linearWeights = config->numLayers * 12 * e * e + config->vocabSize * e;
  EXPECT_EQ(stats->ops.at("kf.linear").flops, 2 * tokens * linearWeights);
  EXPECT_EQ(stats->ops.at("kf.linear").count, 4 * config->numLayers + 1);
}

INSTANTIATE_TEST_SUITE_P(
    Released, GPT2ModelTest,
    ::testing::Values(PublishedModel{"gpt2.json", 124439808},
                      PublishedModel{"gpt2-medium.json", 354823168},
                      PublishedModel{"gpt2-large.json", 774030080},
                      PublishedModel{"gpt2-xl.json", 1557611200}),
    // Name each case after its config: gpt2, gpt2_medium, ...
    [](const ::testing::TestParamInfo<PublishedModel> &info) {
      std::string name = info.param.config;
      name = name.substr(0, name.find('.'));
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(GPT2Config, NullInnerDimDefaultsToFourTimesEmbedding) {
  auto config = parseGPT2Config(
      R"({"vocab_size": 10, "n_positions": 8, "n_embd": 16, "n_layer": 1,
          "n_head": 2, "n_inner": null, "activation_function": "gelu"})",
      "inline");
  ASSERT_TRUE(static_cast<bool>(config)) << llvm::toString(config.takeError());
  EXPECT_EQ(config->innerDim, 64);
  EXPECT_EQ(config->gelu, kf::GeluApproximation::Erf);
  EXPECT_TRUE(config->tieWordEmbeddings);
}

TEST(GPT2Config, RejectsNonIntegerSizes) {
  auto config = parseGPT2Config(
      R"({"vocab_size": 10.5, "n_positions": 8, "n_embd": 16, "n_layer": 1,
          "n_head": 2})",
      "inline");
  ASSERT_FALSE(static_cast<bool>(config));
  EXPECT_EQ(llvm::toString(config.takeError()),
            "inline: expected 'vocab_size' to be a positive integer");
}

} // namespace

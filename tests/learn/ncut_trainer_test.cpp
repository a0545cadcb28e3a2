#include "tessera/learn/ncut_trainer.h"

#include <gtest/gtest.h>

#include "../testing.h"
#include "tessera/core/error.h"
#include "tessera/core/random.h"
#include "tessera/cost/clustering_metrics.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/heuristics/nystrom_extension.h"
#include "tessera/heuristics/spectral_clustering.h"
#include "tessera/problems/affinity_graph.h"

namespace tessera::cluster {
namespace {

// Four Gaussian blobs in 8-D with a random rotation; `per` points each.
std::pair<torch::Tensor, std::vector<int64_t>> blobs(int64_t per, uint64_t seed) {
  auto gen_seed = static_cast<int64_t>(seed);
  torch::manual_seed(gen_seed);
  auto centres = torch::zeros({4, 8});
  for (int64_t c = 0; c < 4; ++c) centres[c][c] = 5.0;
  auto x = torch::randn({4 * per, 8}) + centres.repeat_interleave(per, 0);
  std::vector<int64_t> truth;
  for (int64_t c = 0; c < 4; ++c) truth.insert(truth.end(), per, c);
  return {x, truth};
}

TEST(NcutTrainer, LearnsBlobsBeatsRandomAndGeneralizes) {
  auto [x, truth] = blobs(80, 1);
  auto transform = FeatureTransform::fit(x, {});
  AffinityOptions ao;
  ao.neighbors = 8;
  auto g = build_affinity_graph(transform.apply(x), ao);
  NcutTrainOptions o;
  o.k = 4;
  o.hidden = {32};
  o.epochs = 40;
  o.distill_epochs = 5;
  o.batch_size = 64;
  o.lr = 3e-3;
  o.seed = 3;
  o.progress = false;
  NcutTrainHistory h;
  auto model = train_ncut_clusterer(x, transform, g, o, &h);
  ASSERT_EQ(h.ncut.size(), 45u);
  EXPECT_LT(h.ncut.back(), 0.5 * h.ncut.front());  // the loss falls
  auto labels = model->assign(x);
  const double acc = clustering_accuracy(truth, labels);
  EXPECT_GT(acc, 0.9);
  // Random assignments score about 0.3 on four balanced clusters.
  std::vector<int64_t> random_labels;
  Rng rng(9);
  for (size_t i = 0; i < truth.size(); ++i) random_labels.push_back(uniform_int(rng, 4));
  EXPECT_GT(acc, clustering_accuracy(truth, random_labels) + 0.4);
  // Unseen points from the same distribution are assigned directly by the network.
  auto [x2, truth2] = blobs(40, 2);
  EXPECT_GT(clustering_accuracy(truth2, model->assign(x2)), 0.9);

  // Saved and reloaded, the model assigns the same clusters.
  auto path = testing::scratch_dir() + "/m.pt";
  learn::save_checkpoint(path, *model, Json{{"kind", kNcutModelKind}, {"config", model->config().to_json()}});
  auto meta = learn::read_checkpoint_meta(path, kNcutModelKind);
  NcutClusterer loaded(NcutClustererConfig::from_json(meta.at("config"), path));
  learn::load_checkpoint(path, *loaded);
  EXPECT_EQ(loaded->assign(x), labels);
}

TEST(NcutTrainer, SpectralInputsAssignUnseenPointsAndRoundTrip) {
  auto [x, truth] = blobs(60, 5);
  auto transform = FeatureTransform::fit(x, {});
  AffinityOptions ao;
  ao.neighbors = 8;
  ao.kernel = "fuzzy";
  ao.snn = true;
  auto z = transform.apply(x);
  auto g = build_affinity_graph(z, ao);
  SpectralOptions so;
  so.k = 4;
  so.candidates = 2;
  auto emb = spectral_embedding(g, 6, so);
  auto ext = NystromExtension::fit(z, g, emb, ao);
  auto start = spectral_clustering(g, emb, so).labels;
  NcutTrainOptions o;
  o.k = 4;
  o.hidden = {32};
  o.input = "spectral";
  o.epochs = 10;
  o.distill_epochs = 3;
  o.warm_epochs = 10;
  o.batch_size = 64;
  o.lr = 3e-3;
  o.seed = 2;
  o.progress = false;
  auto model = train_ncut_clusterer(x, transform, g, o, nullptr, start, &ext);
  EXPECT_EQ(model->config().network_input_dim(), 6);
  auto train_labels = model->assign_inputs(model->reference_inputs());
  EXPECT_GT(clustering_accuracy(truth, train_labels), 0.9);
  // Unseen points: embedded from their nearest training points, assigned by the network.
  auto [x2, truth2] = blobs(30, 6);
  auto unseen = model->assign(x2);
  EXPECT_GT(clustering_accuracy(truth2, unseen), 0.9);
  // The model file carries the training points and coefficients it needs.
  auto path = testing::scratch_dir() + "/spectral.pt";
  learn::save_checkpoint(path, *model, Json{{"kind", kNcutModelKind}, {"config", model->config().to_json()}});
  auto meta = learn::read_checkpoint_meta(path, kNcutModelKind);
  NcutClusterer loaded(NcutClustererConfig::from_json(meta.at("config"), path));
  learn::load_checkpoint(path, *loaded);
  EXPECT_EQ(loaded->assign(x2), unseen);
  EXPECT_EQ(loaded->config().affinity.kernel, "fuzzy");
  EXPECT_TRUE(loaded->config().affinity.snn);
  // Spectral inputs without the extension are refused.
  EXPECT_THROW(train_ncut_clusterer(x, transform, g, o, nullptr, start), Error);
}

TEST(NcutTrainer, DeterministicForASeed) {
  auto [x, truth] = blobs(30, 4);
  auto transform = FeatureTransform::fit(x, {});
  AffinityOptions ao;
  ao.neighbors = 5;
  auto g = build_affinity_graph(transform.apply(x), ao);
  NcutTrainOptions o;
  o.k = 4;
  o.hidden = {16};
  o.epochs = 3;
  o.distill_epochs = 1;
  o.progress = false;
  auto a = train_ncut_clusterer(x, transform, g, o)->probabilities(x);
  auto b = train_ncut_clusterer(x, transform, g, o)->probabilities(x);
  EXPECT_TRUE(torch::equal(a, b));
}

TEST(NcutTrainer, BadOptions) {
  auto x = torch::randn({10, 3});
  auto transform = FeatureTransform::fit(x, {});
  AffinityOptions ao;
  ao.neighbors = 3;
  auto g = build_affinity_graph(x, ao);
  NcutTrainOptions o;
  o.k = 11;
  EXPECT_THROW(train_ncut_clusterer(x, transform, g, o), UsageError);
  o.k = 0;
  EXPECT_THROW(train_ncut_clusterer(x, transform, g, o), UsageError);
  o.k = 2;
  o.epochs = 0;
  EXPECT_THROW(train_ncut_clusterer(x, transform, g, o), UsageError);
}

}  // namespace
}  // namespace tessera::cluster

#include "tessera/nn/seq2seq_placer.h"

namespace tessera::nn {

Seq2SeqPlacerImpl::Seq2SeqPlacerImpl(Seq2SeqPlacerOptions options) : options_(options) {
  const auto& o = options_;
  TORCH_CHECK(o.num_devices() >= 1, "Seq2SeqPlacer: num_devices must be >= 1");
  type_embedding_ = register_module("type_embedding", torch::nn::Embedding(o.num_op_types(), o.embedding()));
  // Index num_devices is the "start" token of the decoder.
  device_embedding_ = register_module("device_embedding", torch::nn::Embedding(o.num_devices() + 1, o.embedding()));
  input_ = register_module(
      "input", torch::nn::Linear(o.embedding() + o.numeric_features() + o.adjacency_features(), o.embedding()));
  encoder_ = register_module("encoder", torch::nn::LSTM(torch::nn::LSTMOptions(o.embedding(), o.hidden())));
  decoder_ = register_module("decoder", torch::nn::LSTMCell(o.embedding() + o.hidden(), o.hidden()));
  attn_enc_ = register_module("attn_enc", torch::nn::Linear(o.hidden(), o.hidden()));
  attn_dec_ = register_module("attn_dec", torch::nn::Linear(torch::nn::LinearOptions(o.hidden(), o.hidden()).bias(false)));
  attn_v_ = register_module("attn_v", torch::nn::Linear(torch::nn::LinearOptions(o.hidden(), 1).bias(false)));
  out_ = register_module("out", torch::nn::Linear(2 * o.hidden(), o.num_devices()));
}

Seq2SeqSample Seq2SeqPlacerImpl::sample(const GroupSequenceTensors& in, int64_t K, Rng& rng, bool greedy) {
  const auto& o = options_;
  const int64_t G = in.num_groups(), D = o.num_devices();
  TORCH_CHECK(G > 0 && K > 0, "Seq2SeqPlacer: need groups and samples");
  TORCH_CHECK(in.numeric.size(1) == o.numeric_features() && in.adjacency.size(1) == o.adjacency_features(),
              "Seq2SeqPlacer: feature sizes do not match the model");
  auto x = torch::cat({type_embedding_->forward(in.op_type.clamp(0, o.num_op_types() - 1)), in.numeric,
                       in.adjacency}, 1);
  x = torch::tanh(input_->forward(x));
  auto [enc, state] = encoder_->forward(x.unsqueeze(1));  // enc [G, 1, H]
  enc = enc.squeeze(1);                                   // [G, H]
  auto enc_proj = attn_enc_->forward(enc);                // [G, H]
  auto h = std::get<0>(state).view({1, o.hidden()}).expand({K, o.hidden()}).contiguous();
  auto c = std::get<1>(state).view({1, o.hidden()}).expand({K, o.hidden()}).contiguous();
  auto prev = torch::full({K}, D, torch::kInt64);
  auto actions = torch::zeros({K, G}, torch::kInt64);
  auto actions_a = actions.accessor<int64_t, 2>();
  std::vector<torch::Tensor> log_probs, entropies;
  log_probs.reserve(G);
  entropies.reserve(G);
  for (int64_t t = 0; t < G; ++t) {
    auto input = torch::cat({device_embedding_->forward(prev), enc[t].unsqueeze(0).expand({K, o.hidden()})}, 1);
    std::tie(h, c) = decoder_->forward(input, std::make_tuple(h, c));
    auto score = attn_v_->forward(torch::tanh(enc_proj.unsqueeze(0) + attn_dec_->forward(h).unsqueeze(1)));
    auto attn = torch::softmax(score.squeeze(2), 1);  // [K, G]
    auto ctx = torch::matmul(attn, enc);              // [K, H]
    auto logp = torch::log_softmax(out_->forward(torch::cat({h, ctx}, 1)), 1);  // [K, D]
    // Sampling with the caller's generator keeps runs reproducible independent of LibTorch threads.
    auto p = logp.detach().exp().contiguous();
    auto pa = p.accessor<float, 2>();
    auto chosen = torch::empty({K}, torch::kInt64);
    for (int64_t k = 0; k < K; ++k) {
      int64_t a = 0;
      if (greedy) {
        for (int64_t d = 1; d < D; ++d)
          if (pa[k][d] > pa[k][a]) a = d;
      } else {
        a = sample_categorical(D, uniform01(rng), [&](int64_t d) { return static_cast<double>(pa[k][d]); });
      }
      chosen[k] = a;
      actions_a[k][t] = a;
    }
    log_probs.push_back(logp.gather(1, chosen.unsqueeze(1)).squeeze(1));
    entropies.push_back(-(logp.exp() * logp).sum(1));
    prev = chosen;
  }
  return {actions, torch::stack(log_probs, 1).sum(1), torch::stack(entropies, 1).mean(1)};
}

}  // namespace tessera::nn

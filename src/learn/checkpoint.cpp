#include "tessera/learn/checkpoint.h"

#include <filesystem>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"

namespace tessera::learn {

namespace {
constexpr const char* kMetaKey = "tessera_meta";
constexpr const char* kOptimKey = "tessera_optimizer";
constexpr const char* kParamsKey = "tessera_module";

torch::serialize::InputArchive open_archive(const std::string& path) {
  if (!std::filesystem::exists(path)) throw InputError(path, 0, "model file not found");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error&) {
    throw InputError(path, 0,
                     "not a Tessera model file (expected a LibTorch archive written by `tessera ... train`; "
                     "the file may be truncated or of another type)");
  }
  return archive;
}

Json read_meta(torch::serialize::InputArchive& archive, const std::string& path) {
  c10::IValue value;
  if (!archive.try_read(kMetaKey, value) || !value.isString())
    throw InputError(path, 0, "not a Tessera model file (no metadata block)");
  try {
    return Json::parse(value.toStringRef());
  } catch (const Json::exception&) {
    throw InputError(path, 0, "corrupt metadata block in model file");
  }
}
}  // namespace

void save_checkpoint(const std::string& path, torch::nn::Module& module, Json meta,
                     torch::optim::Optimizer* optimizer) {
  if (!meta.contains("kind")) throw Error("save_checkpoint: metadata needs a \"kind\"");
  meta["format"] = "tessera-model";
  meta["version"] = kCheckpointVersion;
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive params;
  module.save(params);
  archive.write(kParamsKey, params);
  if (optimizer != nullptr) {
    torch::serialize::OutputArchive optim;
    optimizer->save(optim);
    archive.write(kOptimKey, optim);
  }
  archive.write(kMetaKey, c10::IValue(meta.dump()));
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  replace_file_atomic(path, [&](const std::string& tmp) { archive.save_to(tmp); });
}

Json read_checkpoint_meta(const std::string& path, const std::string& expected_kind) {
  auto archive = open_archive(path);
  Json meta = read_meta(archive, path);
  if (meta.value("format", "") != "tessera-model")
    throw InputError(path, 0, "not a Tessera model file (format field is not \"tessera-model\")");
  if (meta.value("version", 0) != kCheckpointVersion)
    throw InputError(path, 0, "model file version " + std::to_string(meta.value("version", 0)) +
                                  " is not supported (expected " + std::to_string(kCheckpointVersion) + ")");
  std::string kind = meta.value("kind", "");
  if (kind != expected_kind)
    throw InputError(path, 0, "model kind is \"" + kind + "\" but a \"" + expected_kind +
                                  "\" model is needed here");
  return meta;
}

void load_checkpoint(const std::string& path, torch::nn::Module& module, torch::optim::Optimizer* optimizer) {
  auto archive = open_archive(path);
  torch::serialize::InputArchive params;
  if (!archive.try_read(kParamsKey, params)) throw InputError(path, 0, "model file has no parameters");
  // Module::load resizes tensors to what the file holds; remember the expected shapes to detect a
  // network built with another configuration.
  std::vector<std::pair<std::string, std::vector<int64_t>>> expected;
  for (const auto& item : module.named_parameters()) expected.emplace_back(item.key(), item.value().sizes().vec());
  for (const auto& item : module.named_buffers()) expected.emplace_back(item.key(), item.value().sizes().vec());
  try {
    module.load(params);
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    throw InputError(path, 0, "model parameters do not match this network (trained with another "
                              "configuration or feature set?): " + what.substr(0, 200));
  }
  auto params_after = module.named_parameters();
  auto buffers_after = module.named_buffers();
  for (const auto& [name, shape] : expected) {
    const torch::Tensor* t = params_after.find(name);
    if (t == nullptr) t = buffers_after.find(name);
    if (t != nullptr && t->sizes().vec() != shape)
      throw InputError(path, 0, "model parameter '" + name + "' has shape " + c10::str(t->sizes()) +
                                    " but this network expects " + c10::str(c10::IntArrayRef(shape)) +
                                    " (trained with another configuration or feature set?)");
  }
  if (optimizer != nullptr) {
    torch::serialize::InputArchive optim;
    if (archive.try_read(kOptimKey, optim)) optimizer->load(optim);
  }
}

}  // namespace tessera::learn

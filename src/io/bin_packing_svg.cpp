#include "tessera/io/bin_packing_svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "tessera/core/error.h"
#include "tessera/cost/bin_packing_cost.h"

namespace tessera::binpack {

svg::Document packing_svg(const BinPackingInstance& instance, const Packing& packing, const std::string& caption) {
  std::string problem = check_packing(instance, packing);
  if (!problem.empty()) throw Error("packing_svg: infeasible packing: " + problem);
  const int64_t bins = packing.bins();
  const double c = static_cast<double>(instance.capacity);
  // Column width shrinks with the bin count so that the picture stays between ~400 and ~1,600 px.
  const double col = std::clamp(1200.0 / std::max<int64_t>(1, bins), 1.5, 40.0);
  const double gap = col >= 6 ? 1.0 : 0.0;
  const double plot_h = 300, left = 50, top = 60, bottom = 30;
  const double width = std::max(420.0, left + 20 + bins * col), height = top + plot_h + bottom;
  svg::Document doc(width, height);
  doc.rect(0, 0, width, height, "#ffffff");
  const std::string opt = instance.optimum ? fmt::format(", optimum {}", *instance.optimum) : "";
  doc.text(left, 20, caption.empty() ? instance.name : caption, 14);
  doc.text(left, 40,
           fmt::format("{} items, capacity {}: {} bins (L2 lower bound {}{}), free space {:.2f} bins", instance.size(),
                       instance.capacity, bins, lower_bound_l2(instance), opt,
                       (bins * c - std::accumulate(packing.loads.begin(), packing.loads.end(), 0.0)) / c),
           11, "start", "#444");
  std::vector<int32_t> order(bins);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return packing.loads[a] > packing.loads[b]; });
  std::vector<std::vector<int32_t>> items(bins);
  for (size_t j = 0; j < packing.bin_of.size(); ++j) items[packing.bin_of[j]].push_back(static_cast<int32_t>(j));
  const double scale = plot_h / c;
  for (int64_t k = 0; k < bins; ++k) {
    const int32_t b = order[k];
    const double x = left + k * col;
    doc.rect(x, top, col - gap, plot_h, "#f1f1f1");
    auto& list = items[b];
    std::sort(list.begin(), list.end(),
              [&](int32_t p, int32_t q) { return instance.weights[p] > instance.weights[q]; });
    double y = top + plot_h;
    for (int32_t j : list) {
      const double h = instance.weights[j] * scale;
      y -= h;
      doc.rect(x, y, col - gap, h, svg::heat_color(instance.weights[j] / c), col >= 6 ? "#ffffff" : "none",
               col >= 6 ? 0.5 : 0, 1.0, fmt::format("bin {}: item {} weight {}", b, j, instance.weights[j]));
    }
  }
  doc.line(left, top, left + bins * col, top, "#c0392b", 1);
  doc.text(left - 6, top + 4, "c", 11, "end", "#c0392b");
  doc.text(left - 6, top + plot_h + 4, "0", 11, "end");
  doc.text(left, top + plot_h + 20, "bins, fullest first; colour = item weight / capacity", 11, "start", "#444");
  return doc;
}

void write_packing_svg(const BinPackingInstance& instance, const Packing& packing, const std::string& caption,
                       const std::string& path) {
  packing_svg(instance, packing, caption).save(path);
}

}  // namespace tessera::binpack

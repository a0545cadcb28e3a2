#include "tessera/heuristics/force_directed.h"

#include <gtest/gtest.h>

#include "../testing.h"
#include "tessera/core/error.h"
#include "tessera/cost/proxy_cost.h"
#include "tessera/io/netlist_reader.h"
#include "tessera/io/plc_io.h"

namespace tessera::chip {
namespace {

TEST(ForceDirected, ImprovesWirelengthFromCentreAndStaysInside) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Netlist nl = read_netlist(testing::shared_data("chip/ariane133_ng45/netlist.pb.txt.gz"));
  const std::string path = testing::shared_data("chip/ariane133_ng45/legalized.plc");
  Placement p = apply_plc(nl, read_plc(path), path);
  ProxyCost cost(nl, nl.spec());
  Placement centre = p;
  for (int64_t s : nl.soft_macros()) centre.x[s] = nl.spec().width / 2, centre.y[s] = nl.spec().height / 2;
  const double before = cost.evaluate(centre).proxy();
  ForceDirectedOptions o;
  o.iterations = {40, 40};
  o.move_distance_factors = {1.0, 0.5};
  Placement q = centre;
  force_directed_place(nl, nl.spec(), q, o);
  const double after = cost.evaluate(q).proxy();
  EXPECT_LT(after, before);
  for (int64_t s : nl.soft_macros()) {
    EXPECT_GE(q.x[s], 0);
    EXPECT_LE(q.x[s], nl.spec().width);
  }
  for (int64_t m : nl.hard_macros()) EXPECT_EQ(q.x[m], p.x[m]);
  o.iterations = {1};
  EXPECT_THROW(force_directed_place(nl, nl.spec(), q, o), UsageError);
}

}  // namespace
}  // namespace tessera::chip

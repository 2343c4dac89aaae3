#include "services/cluster_view.hpp"

#include <algorithm>

#include <caf/scoped_actor.hpp>

#include "actors/atoms.hpp"
#include "common/errc.hpp"

namespace khaacho::services {

caf::expected<std::vector<model::node_heartbeat>> cluster_view::nodes() const {
  if (!link_)
    return caf::make_error(errc::bad_input, "not in cluster mode");
  caf::scoped_actor self{*sys_};
  caf::expected<std::vector<model::node_heartbeat>> out{caf::make_error(caf::sec::request_timeout)};
  self->request(link_, caf::duration{timeout_}, cluster_atom::value)
    .receive(
      [&](std::vector<std::string>& values) {
        std::vector<model::node_heartbeat> nodes;
        for (const auto& v : values)
          if (auto hb = model::decode_heartbeat(v))  // another version's: skipped
            nodes.push_back(std::move(*hb));
        std::sort(nodes.begin(), nodes.end(),
                  [](const auto& a, const auto& b) { return a.node < b.node; });
        out = std::move(nodes);
      },
      [&](caf::error& e) { out = std::move(e); });
  return out;
}

caf::expected<std::vector<supervisor_snapshot>> cluster_view::supervisors() const {
  auto nodes = this->nodes();
  if (!nodes)
    return nodes.error();
  std::vector<supervisor_snapshot> out;
  for (const auto& n : *nodes)
    for (const auto& s : n.supervisors) {
      supervisor_snapshot snap;
      snap.order_id = s.order_id;
      snap.node = n.node;
      snap.stage = s.stage;
      snap.state = s.state;
      snap.attempt = s.attempt;
      snap.since_ms = s.since_ms;
      out.push_back(std::move(snap));
    }
  return out;
}

}  // namespace khaacho::services

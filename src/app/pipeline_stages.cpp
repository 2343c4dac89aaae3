#include "app/pipeline_stages.hpp"

#include "actors/stage_protocol.hpp"

namespace khaacho::app {

std::map<std::string, stage_factory> production_stages(caf::actor_system& sys, db_pool_actor pool,
                                                       const config::settings& s) {
  (void)sys;
  (void)pool;
  (void)s;
  // Stage implementations register here as they land (OCR and extraction,
  // then normalization, ranking, RFQs and notifications).
  return {};
}

std::vector<std::string> missing_stages(const std::map<std::string, stage_factory>& stages) {
  std::vector<std::string> out;
  for (const char* name : pipeline_stages)
    if (stages.count(name) == 0)
      out.push_back(name);
  return out;
}

}  // namespace khaacho::app

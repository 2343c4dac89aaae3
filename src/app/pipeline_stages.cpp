#include "app/pipeline_stages.hpp"

#include "actors/stage_protocol.hpp"
#include "actors/stages/extract_stage.hpp"
#include "actors/stages/normalize_stage.hpp"
#include "actors/stages/notify_stage.hpp"
#include "actors/stages/rank_stage.hpp"
#include "actors/stages/rfq_stage.hpp"
#include "actors/stages/ocr_stage.hpp"

namespace khaacho::app {

std::map<std::string, stage_factory> production_stages(
  caf::actor_system& sys, db_pool_actor pool, const config::settings& s, const std::string& node,
  std::shared_ptr<services::catalog_holder> catalog) {
  stages::stage_context ctx{&sys, pool, s, std::move(catalog), node};
  return {
    {"ocr", stages::make_ocr_stage(ctx)},
    {"extract", stages::make_extract_stage(ctx)},
    {"normalize", stages::make_normalize_stage(ctx)},
    {"rank", stages::make_rank_stage(ctx)},
    {"rfq", stages::make_rfq_stage(ctx)},
    {"notify", stages::make_notify_stage(ctx)},
  };
}

std::vector<std::string> missing_stages(const std::map<std::string, stage_factory>& stages) {
  std::vector<std::string> out;
  for (const char* name : pipeline_stages)
    if (stages.count(name) == 0)
      out.push_back(name);
  return out;
}

}  // namespace khaacho::app

// The production implementation of each pipeline stage, chosen by
// configuration (Tesseract or Vision OCR, rules or OpenAI extraction, ...).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/db_protocol.hpp"
#include "actors/stage_gate.hpp"
#include "config/settings.hpp"
#include "services/catalog_holder.hpp"

namespace khaacho::app {

/// Factories for the stages this build implements.
/// `catalog` is the in-memory catalog the normalizer matches against.
std::map<std::string, stage_factory> production_stages(
  caf::actor_system& sys, db_pool_actor pool, const config::settings& s, const std::string& node,
  std::shared_ptr<services::catalog_holder> catalog);

/// The pipeline stages `stages` lacks, in pipeline order.
std::vector<std::string> missing_stages(const std::map<std::string, stage_factory>& stages);

}  // namespace khaacho::app

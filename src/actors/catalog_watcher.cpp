#include "actors/catalog_watcher.hpp"

#include "actors/atoms.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"
#include "services/catalog_loader.hpp"

namespace khaacho {

namespace {

void refresh(const catalog_watcher_config& cfg) {
  auto current = cfg.holder->current();
  auto version = services::catalog_version(cfg.db);
  if (!version) {
    log::warn("catalog version check failed; keeping the loaded catalog",
              {{"error", describe(version.error())}});
    return;
  }
  if (current && current->version == *version)
    return;
  auto began = std::chrono::steady_clock::now();
  auto loaded = services::load_catalog(cfg.db);
  if (!loaded) {
    log::warn("catalog load failed; keeping the loaded catalog",
              {{"error", describe(loaded.error())}});
    return;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now()
                                                                  - began);
  cfg.holder->publish(*loaded);
  log::info("catalog loaded", {{"version", std::to_string((*loaded)->version)},
                               {"products", std::to_string((*loaded)->index.size())},
                               {"load_ms", std::to_string(ms.count())}});
}

}  // namespace

caf::behavior catalog_watcher(caf::event_based_actor* self, catalog_watcher_config cfg) {
  self->send(self, tick_atom::value);
  return {
    [self, cfg](tick_atom) {
      refresh(cfg);
      self->delayed_send(self, cfg.interval, tick_atom::value);
    },
    [cfg](reload_atom) { refresh(cfg); },
  };
}

}  // namespace khaacho

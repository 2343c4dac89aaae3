#include "actors/image_sweeper_actor.hpp"

#include "actors/atoms.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"
#include "services/image_sweeper.hpp"

namespace khaacho {

namespace {

// A full sweep drains the backlog in batches; a cap keeps one pass from
// running for hours after a long outage (the next interval continues).
constexpr int max_batches_per_pass = 100;

}  // namespace

caf::behavior image_sweeper(caf::event_based_actor* self, image_sweeper_config cfg) {
  self->send(self, sweep_atom::value);
  return {
    [self, cfg](sweep_atom) {
      for (int i = 0; i < max_batches_per_pass; ++i) {
        auto report = services::sweep_expired_images(cfg.db, *cfg.storage, cfg.retention_days,
                                                     cfg.batch);
        if (!report) {
          log::warn("image sweep failed; retrying next interval",
                    {{"error", describe(report.error())}});
          break;
        }
        if (report->examined < cfg.batch || report->failed == report->examined)
          break;
      }
      self->delayed_send(self, cfg.interval, sweep_atom::value);
    },
  };
}

}  // namespace khaacho

// The subcommands of the khaacho binary; each returns the process exit code.
#pragma once

#include "app/command_line.hpp"
#include "config/settings.hpp"

namespace khaacho::app {

/// Exit code of serve and worker when stages were still running at the end
/// of node.shutdown-grace and the process left without releasing their
/// leases (EX_TEMPFAIL: the orders resume once the leases expire). A clean
/// stop exits 0.
constexpr int exit_code_grace_overrun = 75;

/// API + pipeline until SIGINT/SIGTERM.
int run_serve(const command_line& cl, const config::settings& s);

/// Pipeline only (no public API; /healthz, /readyz, /metrics on http.port)
/// until SIGINT/SIGTERM; joins the cluster when REDIS_URL is set.
int run_worker(const command_line& cl, const config::settings& s);

/// Applies pending migrations (or with --check only reports them).
int run_migrate(const command_line& cl, const config::settings& s);

/// Loads a catalog folder (products.csv, wholesalers.csv, stock.csv).
int run_import_catalog(const command_line& cl, const config::settings& s);

/// Prints a signed development token.
int run_token(const command_line& cl, const config::settings& s);

}  // namespace khaacho::app

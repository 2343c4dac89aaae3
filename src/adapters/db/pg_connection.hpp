// One PostgreSQL connection over libpq. Every member function BLOCKS: call it
// only from a detached actor, a dedicated thread, or a CLI command.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "adapters/db/pg_result.hpp"

struct pg_conn;

namespace khaacho::db {

/// Deadlines for a connection; both are enforced client-side as well as by
/// the server, so a vanished server cannot hang a worker.
struct pg_options {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds statement_timeout{30000};
  std::string application_name = "khaacho";
};

/// An owned libpq connection (RAII). Not thread-safe: one owner at a time.
class pg_connection {
public:
  pg_connection(pg_connection&&) noexcept;
  pg_connection& operator=(pg_connection&&) noexcept;
  ~pg_connection();

  /// Connects to `url` (postgres:// URI or key=value string).
  /// Errors: errc::db_unavailable. The message never contains the password.
  static caf::expected<pg_connection> open(const std::string& url, pg_options opts = {});

  /// Runs one parameterized statement. Before sending, a connection that the
  /// server closed while it sat idle (restart, idle timeout) is re-opened, so
  /// a statement is never sent into a dead connection -- unless a transaction
  /// was open on it: then the statement fails with errc::db_unavailable (the
  /// server rolled the transaction back) and the next one reconnects.
  /// Errors: errc::db_unavailable (connection lost; transient), errc::timeout
  /// (statement deadline; transient), errc::db_query_failed (permanent).
  caf::expected<pg_result> exec(const pg_statement& stmt);

  caf::expected<pg_result> exec(std::string sql, std::vector<pg_value> params = {}) {
    return exec(pg_statement{std::move(sql), std::move(params)});
  }

  /// Runs all statements in one transaction (BEGIN ... COMMIT); any failure
  /// rolls back and is returned.
  caf::expected<std::vector<pg_result>> exec_transaction(const std::vector<pg_statement>& stmts);

  /// Runs a script of several statements without parameters (migrations).
  caf::expected<void> exec_script(const std::string& sql);

  /// False once the connection is known to be broken.
  bool healthy() const noexcept;

  /// Drops and re-opens the connection.
  caf::expected<void> reconnect();

private:
  pg_connection(std::string url, pg_options opts);
  caf::expected<void> ensure_alive();
  void drop() noexcept;
  caf::expected<pg_result> run(const char* sql, const std::vector<pg_value>* params);

  struct conn_deleter {
    void operator()(pg_conn* c) const noexcept;
  };
  std::unique_ptr<pg_conn, conn_deleter> conn_;
  // True while the server holds an open transaction for us (after BEGIN,
  // before COMMIT/ROLLBACK). A lost connection is then never re-opened
  // silently: the statements that follow would run outside the transaction.
  bool in_transaction_ = false;
  std::string url_;
  pg_options opts_;
};

/// Removes the password from a connection string, for logs and errors.
std::string redact_url(const std::string& url);

}  // namespace khaacho::db

// libpq connection with client-side deadlines and stale-connection detection.
#include "adapters/db/pg_connection.hpp"

#include <cerrno>
#include <cstring>
#include <regex>

#include <libpq-fe.h>
#include <poll.h>

#include "common/errc.hpp"

namespace khaacho::db {

namespace {

using clock_type = std::chrono::steady_clock;

caf::error unavailable(std::string why) {
  return caf::make_error(errc::db_unavailable, std::move(why));
}

std::string trimmed(const char* msg) {
  std::string out = msg ? msg : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

/// Maps a failed result to our error classes by SQLSTATE.
caf::error classify(PGresult* res, PGconn* conn) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  // Only the primary message: DETAIL may quote row values.
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string msg = primary ? primary : trimmed(PQerrorMessage(conn));
  std::string code = state ? state : "";
  if (PQstatus(conn) == CONNECTION_BAD || code.rfind("08", 0) == 0 || code == "57P01"
      || code == "57P02" || code == "57P03" || code.rfind("53", 0) == 0 || code == "40001"
      || code == "40P01")
    return unavailable(msg + (code.empty() ? "" : " [" + code + "]"));
  if (code == "57014")
    return caf::make_error(errc::timeout, "statement timeout: " + msg);
  return caf::make_error(errc::db_query_failed, msg + (code.empty() ? "" : " [" + code + "]"));
}

/// Waits until the socket is readable/writable or the deadline passes.
bool wait_socket(PGconn* conn, bool for_write, clock_type::time_point deadline) {
  int fd = PQsocket(conn);
  if (fd < 0)
    return false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0)
      return false;
    pollfd p{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    int rc = ::poll(&p, 1, static_cast<int>(left.count()));
    if (rc > 0)
      return true;
    if (rc < 0 && errno != EINTR)
      return false;
  }
}

}  // namespace

void pg_connection::conn_deleter::operator()(pg_conn* c) const noexcept {
  PQfinish(c);
}

std::string redact_url(const std::string& url) {
  // postgres://user:secret@host -> postgres://user:***@host; password=... too.
  static const std::regex uri_pw{R"(([a-z]+://[^:/@]*):[^@/]*@)"};
  static const std::regex kv_pw{R"(password\s*=\s*('[^']*'|\S+))"};
  auto out = std::regex_replace(url, uri_pw, "$1:***@");
  return std::regex_replace(out, kv_pw, "password=***");
}

pg_connection::pg_connection(std::string url, pg_options opts)
  : url_(std::move(url)), opts_(std::move(opts)) {
}

pg_connection::pg_connection(pg_connection&&) noexcept = default;
pg_connection& pg_connection::operator=(pg_connection&&) noexcept = default;
pg_connection::~pg_connection() = default;

caf::expected<pg_connection> pg_connection::open(const std::string& url, pg_options opts) {
  pg_connection result{url, std::move(opts)};
  if (auto ok = result.reconnect(); !ok)
    return ok.error();
  return result;
}

caf::expected<void> pg_connection::reconnect() {
  conn_.reset();
  in_transaction_ = false;
  auto connect_secs = std::max<int64_t>(
    1, std::chrono::duration_cast<std::chrono::seconds>(opts_.connect_timeout).count());
  auto timeout_text = std::to_string(connect_secs);
  auto options = "-c statement_timeout=" + std::to_string(opts_.statement_timeout.count())
                 + " -c lock_timeout=" + std::to_string(opts_.statement_timeout.count());
  // Later keywords override what the expanded URL says.
  const char* keys[] = {"dbname", "connect_timeout", "application_name", "options",
                        "keepalives_idle", "keepalives_interval", "keepalives_count", nullptr};
  const char* values[] = {url_.c_str(), timeout_text.c_str(), opts_.application_name.c_str(),
                          options.c_str(), "30", "10", "3", nullptr};
  conn_.reset(PQconnectdbParams(keys, values, 1));
  if (!conn_)
    return unavailable("out of memory creating a connection");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    auto msg = trimmed(PQerrorMessage(conn_.get()));
    conn_.reset();
    return unavailable("cannot connect to PostgreSQL: " + redact_url(msg));
  }
  PQsetnonblocking(conn_.get(), 1);
  // Server notices (NOTICE, termination messages) would go to stderr raw;
  // errors reach callers through results instead.
  PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
  return caf::unit;
}

void pg_connection::drop() noexcept {
  conn_.reset();
  in_transaction_ = false;
}

bool pg_connection::healthy() const noexcept {
  return conn_ && PQstatus(conn_.get()) == CONNECTION_OK;
}

caf::expected<void> pg_connection::ensure_alive() {
  if (healthy()) {
    // Between statements the server has nothing to say to us (we use no
    // LISTEN). A readable socket therefore means it sent a termination notice
    // or closed the connection (restart, idle kill): start afresh instead of
    // sending a statement into a dying connection.
    pollfd p{PQsocket(conn_.get()), POLLIN, 0};
    if (::poll(&p, 1, 0) == 0)
      return caf::unit;
  }
  if (in_transaction_) {
    // The server has rolled the transaction back; a fresh connection would
    // run the rest of it statement by statement. Report, reconnect next time.
    conn_.reset();
    in_transaction_ = false;
    return unavailable("connection lost inside an open transaction; the server rolled it back");
  }
  return reconnect();
}

caf::expected<pg_result> pg_connection::run(const char* sql, const std::vector<pg_value>* params) {
  if (auto ok = ensure_alive(); !ok)
    return ok.error();
  PGconn* c = conn_.get();
  auto deadline = clock_type::now() + opts_.statement_timeout + std::chrono::seconds(5);
  int sent;
  if (params != nullptr) {
    std::vector<const char*> values;
    values.reserve(params->size());
    for (const auto& p : *params)
      values.push_back(p ? p->c_str() : nullptr);
    sent = PQsendQueryParams(c, sql, static_cast<int>(values.size()), nullptr, values.data(),
                             nullptr, nullptr, 0);
  } else {
    sent = PQsendQuery(c, sql);
  }
  if (!sent) {
    auto err = classify(nullptr, c);
    drop();
    return err;
  }
  // Flush the request, then collect results, never waiting past the deadline.
  for (;;) {
    int f = PQflush(c);
    if (f == 0)
      break;
    if (f < 0 || !wait_socket(c, true, deadline)) {
      drop();
      return unavailable("lost connection while sending a statement");
    }
  }
  pg_result out;
  caf::error failure;
  bool got_any = false;
  for (;;) {
    while (PQisBusy(c)) {
      if (!wait_socket(c, false, deadline)) {
        // Ask the server to stop, then drop the connection: its state is unknown.
        if (PGcancel* cancel = PQgetCancel(c)) {
          char buf[256];
          PQcancel(cancel, buf, sizeof(buf));
          PQfreeCancel(cancel);
        }
        drop();
        return caf::make_error(errc::timeout, "statement exceeded its client deadline");
      }
      if (!PQconsumeInput(c)) {
        auto err = classify(nullptr, c);
        drop();
        return err;
      }
    }
    PGresult* r = PQgetResult(c);
    if (r == nullptr)
      break;
    got_any = true;
    auto status = PQresultStatus(r);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      // With several statements (a script), the last result wins.
      out = pg_result{};
      int ncols = PQnfields(r);
      int nrows = PQntuples(r);
      out.columns.reserve(static_cast<size_t>(ncols));
      for (int i = 0; i < ncols; ++i)
        out.columns.emplace_back(PQfname(r, i));
      out.rows.resize(static_cast<size_t>(nrows));
      for (int row = 0; row < nrows; ++row) {
        auto& dst = out.rows[static_cast<size_t>(row)];
        dst.reserve(static_cast<size_t>(ncols));
        for (int col = 0; col < ncols; ++col) {
          if (PQgetisnull(r, row, col))
            dst.emplace_back();
          else
            dst.emplace_back(std::string{PQgetvalue(r, row, col),
                                         static_cast<size_t>(PQgetlength(r, row, col))});
        }
      }
      const char* tuples = PQcmdTuples(r);
      out.affected_rows = (tuples && *tuples) ? std::atoll(tuples) : 0;
    } else if (!failure) {
      failure = classify(r, c);
    }
    PQclear(r);
  }
  if (!got_any && !failure)
    failure = classify(nullptr, c);
  if (healthy()) {
    auto tx = PQtransactionStatus(c);
    in_transaction_ = tx == PQTRANS_INTRANS || tx == PQTRANS_INERROR;
  } else {
    // The caller gets this statement's error, which reports the loss.
    conn_.reset();
    in_transaction_ = false;
  }
  if (failure)
    return failure;
  return out;
}

caf::expected<pg_result> pg_connection::exec(const pg_statement& stmt) {
  return run(stmt.sql.c_str(), &stmt.params);
}

caf::expected<void> pg_connection::exec_script(const std::string& sql) {
  auto res = run(sql.c_str(), nullptr);
  if (!res)
    return res.error();
  return caf::unit;
}

caf::expected<std::vector<pg_result>>
pg_connection::exec_transaction(const std::vector<pg_statement>& stmts) {
  if (auto begun = run("BEGIN", nullptr); !begun)
    return begun.error();
  std::vector<pg_result> results;
  results.reserve(stmts.size());
  for (const auto& stmt : stmts) {
    auto res = exec(stmt);
    if (!res) {
      if (healthy())
        run("ROLLBACK", nullptr);
      return res.error();
    }
    results.push_back(std::move(*res));
  }
  if (auto committed = run("COMMIT", nullptr); !committed)
    return committed.error();
  return results;
}

}  // namespace khaacho::db

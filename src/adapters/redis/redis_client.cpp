#include "adapters/redis/redis_client.hpp"

#include <algorithm>

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include "common/errc.hpp"

namespace khaacho::redis {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

reply convert(const redisReply* r) {
  reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = reply::kind::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = reply::kind::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = reply::kind::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = reply::kind::array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i)
        out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = reply::kind::nil;
  }
  return out;
}

}  // namespace

client::client(model::redis_endpoint endpoint, client_options options)
  : endpoint_(std::move(endpoint)), options_(std::move(options)) {
}

client::~client() {
  disconnect();
}

void client::disconnect() {
  if (ctx_ != nullptr) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
}

void client::failed() {
  disconnect();
  backoff_ = backoff_.count() == 0 ? options_.min_backoff
                                   : std::min(options_.max_backoff, backoff_ * 2);
  next_attempt_ = std::chrono::steady_clock::now() + backoff_;
}

caf::expected<void> client::ensure_connected() {
  if (ctx_ != nullptr)
    return caf::unit;
  if (std::chrono::steady_clock::now() < next_attempt_)
    return caf::make_error(errc::upstream_unavailable, "redis: waiting to reconnect");
  ctx_ = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port,
                                 to_timeval(options_.connect_timeout));
  if (ctx_ == nullptr || ctx_->err != 0) {
    std::string why = ctx_ != nullptr ? ctx_->errstr : "out of memory";
    failed();
    return caf::make_error(errc::upstream_unavailable, "redis: cannot connect: " + why);
  }
  current_timeout_ = std::chrono::milliseconds{0};
  // AUTH and SELECT before anything else; the password never reaches a log
  // (errors below name the command, not its arguments).
  if (!endpoint_.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!endpoint_.user.empty())
      auth.push_back(endpoint_.user);
    auth.push_back(endpoint_.password);
    auto r = send(auth, options_.command_timeout);
    if (!r) {
      failed();
      return caf::make_error(errc::upstream_unavailable, "redis: AUTH refused");
    }
  }
  if (endpoint_.database != 0) {
    auto r = send({"SELECT", std::to_string(endpoint_.database)}, options_.command_timeout);
    if (!r) {
      failed();
      return r.error();
    }
  }
  if (options_.on_connect && !in_on_connect_) {
    in_on_connect_ = true;
    auto ok = options_.on_connect(*this);
    in_on_connect_ = false;
    if (!ok) {
      failed();
      return ok.error();
    }
  }
  backoff_ = std::chrono::milliseconds{0};
  return caf::unit;
}

caf::expected<reply> client::send(const std::vector<std::string>& args,
                                  std::chrono::milliseconds timeout) {
  if (ctx_ == nullptr)
    return caf::make_error(errc::upstream_unavailable, "redis: not connected");
  if (timeout != current_timeout_) {
    redisSetTimeout(ctx_, to_timeval(timeout));
    current_timeout_ = timeout;
  }
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  ++sent_;
  auto* raw = static_cast<redisReply*>(
    redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()));
  if (raw == nullptr) {
    std::string why = ctx_->errstr;
    failed();
    return caf::make_error(errc::upstream_unavailable,
                           "redis: " + (args.empty() ? std::string{} : args[0]) + " failed: " + why);
  }
  if (raw->type == REDIS_REPLY_ERROR) {
    std::string text(raw->str, raw->len);
    freeReplyObject(raw);
    return caf::make_error(errc::upstream_rejected, text);
  }
  auto out = convert(raw);
  freeReplyObject(raw);
  return out;
}

caf::expected<reply> client::command(const std::vector<std::string>& args,
                                     std::chrono::milliseconds timeout) {
  if (auto ok = ensure_connected(); !ok)
    return ok.error();
  return send(args, timeout.count() > 0 ? timeout : options_.command_timeout);
}

}  // namespace khaacho::redis

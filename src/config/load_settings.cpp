// Parses the config file with CAF's own parser, then validates every key
// against config_schema(): unknown keys and bad values name the key.
#include "config/load_settings.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <caf/actor_system_config.hpp>
#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include "config/config_schema.hpp"

namespace khaacho::config {

namespace {

constexpr const char* default_config_file = "config/khaacho.conf";

/// Converts a value CAF parsed from the file into the key's kind.
conversion from_file_value(value_kind kind, const caf::config_value& v) {
  if (auto str = caf::get_if<std::string>(&v))
    return parse_text(kind, *str);
  if (auto atom = caf::get_if<caf::atom_value>(&v))
    return parse_text(kind, caf::to_string(*atom));
  switch (kind) {
    case value_kind::integer:
      if (auto i = caf::get_if<int64_t>(&v))
        return {typed_value{*i}, {}};
      break;
    case value_kind::real:
      if (auto r = caf::get_if<double>(&v))
        return {typed_value{*r}, {}};
      if (auto i = caf::get_if<int64_t>(&v))
        return {typed_value{static_cast<double>(*i)}, {}};
      break;
    case value_kind::boolean:
      if (auto b = caf::get_if<bool>(&v))
        return {typed_value{*b}, {}};
      break;
    case value_kind::duration:
      if (auto t = caf::get_if<caf::timespan>(&v))
        return {typed_value{std::chrono::duration_cast<std::chrono::milliseconds>(*t)}, {}};
      break;
    case value_kind::string:
      break;
  }
  return {std::nullopt, "expected " + to_string(kind) + ", got " + caf::to_string(v)};
}

/// Walks nested sections into dotted keys ("stages" { "ocr" { ... } }).
void flatten(const caf::settings& dict, const std::string& prefix,
             std::vector<std::pair<std::string, const caf::config_value*>>& out) {
  for (const auto& [name, value] : dict) {
    auto key = prefix.empty() ? std::string{name} : prefix + "." + std::string{name};
    if (auto sub = caf::get_if<caf::settings>(&value))
      flatten(*sub, key, out);
    else
      out.emplace_back(key, &value);
  }
}

std::string apply(settings& s, const config_key& key, const conversion& c, const std::string& origin) {
  if (!c.value)
    return origin + ": key '" + key.name + "': " + c.error;
  auto why = key.apply(s, *c.value);
  if (!why.empty())
    return origin + ": key '" + key.name + "': " + why;
  return {};
}

std::string cross_checks(const settings& s) {
  if (s.normalize.review > s.normalize.auto_match)
    return "key 'normalize.review' must not exceed 'normalize.auto-match'";
  for (const auto& [name, p] : s.stages)
    if (p.initial_backoff > p.max_backoff)
      return "key 'stages." + name + ".initial-backoff' must not exceed 'stages." + name
             + ".max-backoff'";
  if (s.storage.backend == "gcs" && s.storage.gcs_bucket.empty())
    return "key 'storage.gcs-bucket' must be set when storage.backend is gcs";
  if (s.extract.backend == "openai" && s.extract.openai_api_key.empty())
    return "key 'extract.openai-api-key' (OPENAI_API_KEY) must be set when extract.backend is openai";
  if (s.ocr.backend == "vision" && s.ocr.vision_api_key.empty())
    return "key 'ocr.vision-api-key' (GOOGLE_VISION_API_KEY) must be set when ocr.backend is vision";
  if (s.notify.whatsapp_enabled
      && (s.notify.whatsapp_token.empty() || s.notify.whatsapp_phone_number_id.empty()))
    return "keys 'notify.whatsapp-token' (WHATSAPP_TOKEN) and 'notify.whatsapp-phone-number-id' must"
           " be set when notify.whatsapp-enabled is true";
  if (s.notify.email_enabled && s.notify.smtp_url.empty())
    return "key 'notify.smtp-url' (SMTP_URL) must be set when notify.email-enabled is true";
  if (s.webhooks.initial_backoff > s.webhooks.max_backoff)
    return "key 'webhooks.initial-backoff' must not exceed 'webhooks.max-backoff'";
  return {};
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr)
    return std::nullopt;
  return std::string{v};
}

load_result load_settings(const settings_sources& src) {
  load_result out;
  // 1. config file
  std::optional<std::string> text = src.config_text;
  std::string origin = "config";
  if (!text) {
    std::string path = src.config_file.value_or(default_config_file);
    std::error_code ec;
    bool exists = std::filesystem::is_regular_file(path, ec);
    if (!exists && src.config_file) {
      out.error = "config file not found: " + path;
      return out;
    }
    if (exists) {
      std::ifstream in{path};
      std::stringstream buf;
      buf << in.rdbuf();
      if (!in) {
        out.error = "cannot read config file " + path;
        return out;
      }
      text = buf.str();
      origin = path;
      out.config_file_used = path;
    }
  }
  if (text) {
    std::istringstream in{*text};
    auto parsed = caf::actor_system_config::parse_config(in);
    if (!parsed) {
      out.error = origin + ": syntax error: " + caf::to_string(parsed.error());
      return out;
    }
    std::vector<std::pair<std::string, const caf::config_value*>> entries;
    flatten(*parsed, "", entries);
    for (const auto& [name, value] : entries) {
      const auto* key = find_config_key(name);
      if (key == nullptr) {
        out.error = origin + ": unknown key '" + name + "'";
        return out;
      }
      if (auto err = apply(out.value, *key, from_file_value(key->kind, *value), origin); !err.empty()) {
        out.error = err;
        return out;
      }
    }
  }
  // 2. environment
  auto getenv = src.getenv ? src.getenv : process_env;
  for (const auto& key : config_schema()) {
    if (key.env.empty())
      continue;
    auto v = getenv(key.env);
    if (!v || v->empty())
      continue;
    if (auto err = apply(out.value, key, parse_text(key.kind, *v), "environment " + key.env);
        !err.empty()) {
      out.error = err;
      return out;
    }
  }
  // 3. flags
  for (const auto& [name, value] : src.flags) {
    const auto* key = find_config_key(name);
    if (key == nullptr) {
      out.error = "flag --" + name + ": unknown key '" + name + "'";
      return out;
    }
    if (auto err = apply(out.value, *key, parse_text(key->kind, value), "flag --" + name); !err.empty()) {
      out.error = err;
      return out;
    }
  }
  if (auto err = cross_checks(out.value); !err.empty())
    out.error = err;
  return out;
}

std::string describe_settings(const settings& s) {
  std::ostringstream out;
  for (const auto& key : config_schema()) {
    out << "  --" << key.name << "=" << key.show(s);
    if (!key.env.empty())
      out << "  (env " << key.env << ")";
    out << "\n      " << key.help << "\n";
  }
  return out.str();
}

}  // namespace khaacho::config

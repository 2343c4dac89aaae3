// Incremental multipart/form-data parsing (RFC 7578 over RFC 2046): a byte-wise
// state machine whose only buffers are one header line (bounded by
// max_header_bytes) and a held-back delimiter prefix (< boundary + 4 bytes).
#include "model/multipart_parser.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace khaacho::model {

namespace {

constexpr size_t max_boundary_length = 70;

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  return true;
}

bool is_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 2046 bcharsnospace; a space is a bchar too, but never the last one.
bool is_bchar_nospace(char c) noexcept {
  return is_alnum(c) || (c != '\0' && std::strchr("'()+_,-./:=?", c) != nullptr);
}

// RFC 7230 tchar: header field names, parameter names, unquoted values.
bool is_tchar(char c) noexcept {
  return is_alnum(c) || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}

bool valid_boundary(std::string_view b) noexcept {
  if (b.empty() || b.size() > max_boundary_length || b.back() == ' ')
    return false;
  for (char c : b)
    if (c != ' ' && !is_bchar_nospace(c))
      return false;
  return true;
}

void skip_ows(std::string_view text, size_t& pos) noexcept {
  while (pos < text.size() && is_ows(text[pos]))
    ++pos;
}

std::string_view trim_ows(std::string_view text) noexcept {
  size_t first = 0;
  skip_ows(text, first);
  size_t last = text.size();
  while (last > first && is_ows(text[last - 1]))
    --last;
  return text.substr(first, last - first);
}

std::string_view read_token(std::string_view text, size_t& pos) noexcept {
  size_t start = pos;
  while (pos < text.size() && is_tchar(text[pos]))
    ++pos;
  return text.substr(start, pos - start);
}

// A quoted-string starting at text[pos] == '"'. Backslash escapes only `"`
// and `\`: browsers send Windows paths with bare backslashes.
std::optional<std::string> read_quoted(std::string_view text, size_t& pos) {
  std::string out;
  ++pos;  // opening quote
  while (pos < text.size()) {
    char c = text[pos++];
    if (c == '"')
      return out;
    if (c == '\\' && pos < text.size() && (text[pos] == '"' || text[pos] == '\\'))
      c = text[pos++];
    out.push_back(c);
  }
  return std::nullopt;  // no closing quote
}

// One `; name=value` parameter list (after the type), as in Content-Type and
// Content-Disposition. Calls on_param(name, value) for each; a false return
// from on_param or a syntax error makes the whole list invalid.
template <class OnParam>
bool parse_params(std::string_view text, size_t pos, OnParam&& on_param) {
  for (;;) {
    skip_ows(text, pos);
    if (pos == text.size())
      return true;
    if (text[pos] != ';')
      return false;
    ++pos;
    skip_ows(text, pos);
    if (pos == text.size())
      return true;  // a trailing ';' is common and harmless
    auto name = read_token(text, pos);
    if (name.empty())
      return false;
    skip_ows(text, pos);
    if (pos == text.size() || text[pos] != '=')
      return false;
    ++pos;
    skip_ows(text, pos);
    std::string value;
    bool quoted = pos < text.size() && text[pos] == '"';
    if (quoted) {
      auto q = read_quoted(text, pos);
      if (!q)
        return false;
      value = std::move(*q);
    } else {
      // Unquoted values in the wild carry characters outside tchar
      // (boundary "a/b", filename "x.png"); take everything up to ';'.
      size_t start = pos;
      while (pos < text.size() && text[pos] != ';' && !is_ows(text[pos]) && text[pos] != '"')
        ++pos;
      value.assign(text.substr(start, pos - start));
      if (value.empty())
        return false;
    }
    if (!on_param(name, std::move(value), quoted))
      return false;
  }
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  constexpr std::string_view type = "multipart/form-data";
  size_t pos = 0;
  skip_ows(content_type, pos);
  if (content_type.size() - pos < type.size() || !iequals(content_type.substr(pos, type.size()), type))
    return std::nullopt;
  pos += type.size();
  std::optional<std::string> boundary;
  bool ok = parse_params(content_type, pos, [&](std::string_view name, std::string value, bool) {
    if (!iequals(name, "boundary"))
      return true;
    if (boundary)
      return false;  // two boundaries: ambiguous
    boundary = std::move(value);
    return true;
  });
  if (!ok || !boundary || !valid_boundary(*boundary))
    return std::nullopt;
  return boundary;
}

struct multipart_parser::state {
  enum class phase {
    preamble,        // discarding bytes until the first delimiter
    after_boundary,  // transport padding, then CRLF (a part) or "--" (the end)
    boundary_cr,     // saw CR after a boundary, want LF
    closing_dash,    // saw one '-' after a boundary, want the second
    headers,         // header lines of a part
    body,            // part data until the next delimiter
    done,            // closing delimiter seen; the rest is epilogue
    failed,
  };

  std::string delimiter;  // "\r\n--" + boundary
  part_callback on_part;
  data_callback on_data;
  multipart_limits limits;

  phase at = phase::preamble;
  // Bytes that match a prefix of `delimiter` at the end of the input seen so
  // far; never a whole delimiter, so fewer than delimiter.size() bytes.
  size_t held = 0;
  std::string line;           // the header line being read
  size_t header_bytes = 0;    // of the current part
  size_t parts = 0;
  bool has_disposition = false;
  bool has_content_type = false;
  multipart_part part;
  std::string error;

  bool fail(const char* why) {
    at = phase::failed;
    error = why;
    return false;
  }

  bool emit(std::string_view data) {
    if (data.empty() || at != phase::body || !on_data)
      return true;
    if (!on_data(data))
      return fail("stopped");
    return true;
  }

  // Consumes bytes of a preamble or a body up to and including a delimiter.
  // Returns the number of bytes consumed; at == failed when a callback
  // stopped. On a whole delimiter, at becomes after_boundary.
  size_t scan_for_delimiter(std::string_view in) {
    const std::string_view delim = delimiter;
    size_t pos = 0;
    if (held > 0) {
      // Continue the match started in earlier bytes. Only delimiter[0] is a
      // CR, so on a mismatch no later start lies inside the held bytes: they
      // are all data, and scanning resumes at the mismatching byte.
      size_t need = delim.size() - held;
      size_t n = std::min(need, in.size());
      size_t k = 0;
      while (k < n && in[k] == delim[held + k])
        ++k;
      if (k == n && n == need) {
        held = 0;
        at = phase::after_boundary;
        return n;
      }
      if (k == n) {  // still a prefix; the input ran out
        held += n;
        return n;
      }
      size_t was_held = held;
      held = 0;
      if (!emit(delim.substr(0, was_held)))
        return in.size();
      // pos stays 0: in[0..k) matched but the whole may still be data; the
      // loop below re-examines from the first byte (only a CR can start).
    }
    size_t data_start = 0;
    while (pos < in.size()) {
      const void* cr = std::memchr(in.data() + pos, '\r', in.size() - pos);
      if (cr == nullptr)
        break;
      pos = static_cast<size_t>(static_cast<const char*>(cr) - in.data());
      size_t n = std::min(delim.size(), in.size() - pos);
      if (in.compare(pos, n, delim, 0, n) == 0) {
        if (!emit(in.substr(data_start, pos - data_start)))
          return in.size();
        if (n == delim.size()) {
          at = phase::after_boundary;
          return pos + n;
        }
        held = n;  // a delimiter prefix runs to the end of the input
        return in.size();
      }
      ++pos;
    }
    if (!emit(in.substr(data_start)))
      return in.size();
    return in.size();
  }

  void start_part() {
    part = multipart_part{};
    line.clear();
    header_bytes = 0;
    has_disposition = false;
    has_content_type = false;
  }

  bool parse_disposition(std::string_view value) {
    size_t pos = 0;
    skip_ows(value, pos);
    auto type = read_token(value, pos);
    if (!iequals(type, "form-data"))
      return false;
    bool has_name = false;
    bool has_filename = false;
    bool ok = parse_params(value, pos, [&](std::string_view name, std::string v, bool) {
      if (iequals(name, "name")) {
        if (has_name)
          return false;  // ambiguous
        has_name = true;
        part.name = std::move(v);
      } else if (iequals(name, "filename")) {
        if (has_filename)
          return false;
        has_filename = true;
        part.filename = std::move(v);
      }
      // filename* (RFC 7578 4.2: must not be used) and others are ignored.
      return true;
    });
    return ok && has_name;
  }

  // One header line without its CRLF.
  bool header_line(std::string_view text) {
    for (char c : text) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f)
        return fail("malformed part header");
    }
    size_t pos = 0;
    auto name = read_token(text, pos);
    // No obsolete line folding, no space before the colon (RFC 7230 3.2.4).
    if (name.empty() || pos == text.size() || text[pos] != ':')
      return fail("malformed part header");
    auto value = trim_ows(text.substr(pos + 1));
    if (iequals(name, "content-disposition")) {
      if (has_disposition || !parse_disposition(value))
        return fail("malformed part header");
      has_disposition = true;
    } else if (iequals(name, "content-type")) {
      if (has_content_type)
        return fail("malformed part header");
      has_content_type = true;
      part.content_type.assign(value);
    }
    return true;
  }

  // Consumes header bytes; returns how many.
  size_t read_headers(std::string_view in) {
    const void* lf = std::memchr(in.data(), '\n', in.size());
    size_t n = lf == nullptr ? in.size()
                             : static_cast<size_t>(static_cast<const char*>(lf) - in.data()) + 1;
    if (n > limits.max_header_bytes - header_bytes) {
      fail("part header too large");
      return in.size();
    }
    header_bytes += n;
    line.append(in.data(), n);
    if (lf == nullptr)
      return n;
    // A whole line: it must end in CRLF and hold no other CR.
    if (line.size() < 2 || line[line.size() - 2] != '\r') {
      fail("malformed part header");
      return n;
    }
    std::string_view text{line.data(), line.size() - 2};
    if (text.find('\r') != std::string_view::npos) {
      fail("malformed part header");
      return n;
    }
    if (text.empty()) {
      if (!has_disposition) {
        fail("malformed part header");
        return n;
      }
      at = phase::body;
      if (on_part && !on_part(part))
        fail("stopped");
      return n;
    }
    if (header_line(text))
      line.clear();
    return n;
  }

  bool feed(std::string_view in) {
    while (!in.empty()) {
      size_t used = 0;
      switch (at) {
        case phase::failed:
          return false;
        case phase::done:
          return true;  // epilogue
        case phase::preamble:
        case phase::body:
          used = scan_for_delimiter(in);
          break;
        case phase::after_boundary: {
          char c = in[0];
          used = 1;
          if (is_ows(c))
            break;  // transport padding
          if (c == '\r')
            at = phase::boundary_cr;
          else if (c == '-')
            at = phase::closing_dash;
          else
            return fail("malformed boundary");
          break;
        }
        case phase::boundary_cr:
          used = 1;
          if (in[0] != '\n')
            return fail("malformed boundary");
          if (parts >= limits.max_parts)
            return fail("too many parts");
          ++parts;
          start_part();
          at = phase::headers;
          break;
        case phase::closing_dash:
          used = 1;
          if (in[0] != '-')
            return fail("malformed boundary");
          at = phase::done;
          break;
        case phase::headers:
          used = read_headers(in);
          break;
      }
      if (at == phase::failed)
        return false;
      in.remove_prefix(used);
    }
    return at != phase::failed;
  }
};

multipart_parser::multipart_parser(std::string boundary, part_callback on_part,
                                   data_callback on_data, multipart_limits limits)
  : state_(std::make_shared<state>()) {
  state_->on_part = std::move(on_part);
  state_->on_data = std::move(on_data);
  state_->limits = limits;
  if (!valid_boundary(boundary)) {
    state_->fail("invalid boundary");
    return;
  }
  state_->delimiter = "\r\n--" + boundary;
  // The first delimiter may open the body without a CRLF before it: start as
  // if that CRLF had been seen.
  state_->held = 2;
}

bool multipart_parser::feed(std::string_view bytes) {
  return state_->feed(bytes);
}

bool multipart_parser::done() const noexcept {
  return state_->at == state::phase::done;
}

const std::string& multipart_parser::error() const noexcept {
  return state_->error;
}

}  // namespace khaacho::model

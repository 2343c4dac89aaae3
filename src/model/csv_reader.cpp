// RFC 4180 CSV record reader.
#include "model/csv_reader.hpp"

#include <algorithm>

namespace khaacho::model {

namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

}  // namespace

csv_reader::csv_reader(std::string_view text) noexcept : text_(text) {
  if (text_.substr(0, utf8_bom.size()) == utf8_bom)
    pos_ = utf8_bom.size();
}

bool csv_reader::fail(size_t line, std::string message) {
  error_ = csv_error{line, std::move(message)};
  pos_ = text_.size();
  return false;
}

bool csv_reader::next(std::vector<std::string>& fields) {
  if (error_)
    return false;
  // Empty lines carry no record; hand-edited files often end with several.
  while (pos_ < text_.size()) {
    if (text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    } else if (text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n')) {
      pos_ = std::min(pos_ + 2, text_.size());  // a lone CR may end the text
      ++line_;
    } else {
      break;
    }
  }
  if (pos_ >= text_.size())
    return false;
  record_line_ = line_;
  size_t count = 0;
  const size_t end = text_.size();
  for (;;) {
    if (count == fields.size())
      fields.emplace_back();
    std::string& field = fields[count++];
    field.clear();
    if (pos_ < end && text_[pos_] == '"') {
      const size_t opened_on = line_;
      ++pos_;
      for (;;) {
        size_t quote = text_.find('"', pos_);
        if (quote == std::string_view::npos)
          return fail(opened_on, "quoted field " + std::to_string(count)
                                   + " is never closed (missing '\"')");
        auto chunk = text_.substr(pos_, quote - pos_);
        line_ += static_cast<size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
        field.append(chunk);
        pos_ = quote + 1;
        if (pos_ < end && text_[pos_] == '"') {
          field.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
      bool at_boundary = pos_ == end || text_[pos_] == ',' || text_[pos_] == '\n'
                         || (text_[pos_] == '\r' && (pos_ + 1 == end || text_[pos_ + 1] == '\n'));
      if (!at_boundary)
        return fail(line_, "unexpected text after the closing quote of field "
                             + std::to_string(count));
      if (pos_ < end && text_[pos_] == '\r')
        ++pos_;
    } else {
      size_t stop = text_.find_first_of(",\n\"", pos_);
      if (stop == std::string_view::npos)
        stop = end;
      if (stop < end && text_[stop] == '"')
        return fail(line_, "quote inside unquoted field " + std::to_string(count)
                             + " (quote the whole field and double the quote)");
      size_t data_end = stop;
      // The CR of a CRLF belongs to the line break, not to the field (also a
      // final CRLF cut short at the end of the text).
      if ((stop == end || text_[stop] == '\n') && data_end > pos_ && text_[data_end - 1] == '\r')
        --data_end;
      field.append(text_.substr(pos_, data_end - pos_));
      pos_ = stop;
    }
    if (pos_ >= end)
      break;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    // Line break: the record is complete.
    ++pos_;
    ++line_;
    break;
  }
  fields.resize(count);
  return true;
}

csv_columns::csv_columns(const std::vector<std::string>& header) : size_(header.size()) {
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name{trim_blanks(header[i])};
    if (!index_.emplace(name, i).second && !duplicate_)
      duplicate_ = name;
  }
}

std::optional<size_t> csv_columns::find(std::string_view name) const {
  auto i = index_.find(std::string{name});
  if (i == index_.end())
    return std::nullopt;
  return i->second;
}

csv_document parse_csv(std::string_view text) {
  csv_document doc;
  csv_reader reader{text};
  std::vector<std::string> fields;
  while (reader.next(fields)) {
    doc.records.push_back(fields);
    doc.lines.push_back(reader.record_line());
  }
  doc.error = reader.error();
  return doc;
}

std::string_view trim_blanks(std::string_view text) noexcept {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return {};
  auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace khaacho::model

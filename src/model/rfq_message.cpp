// Renders an RFQ as text for the e-mail and log channels and as template
// parameters for WhatsApp.
#include "model/rfq_message.hpp"

#include <cmath>
#include <cstdio>

namespace khaacho::model {

namespace {

/// Whitespace runs (newlines and tabs included) become one space and the
/// ends are trimmed: template parameters must be one line, and OCR'd names
/// carry stray breaks.
std::string one_line(const std::string& s) {
  std::string out;
  bool pending_space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space)
      out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

/// The longest prefix of `s` of at most `limit` bytes that does not cut a
/// UTF-8 sequence in half.
std::string utf8_prefix(const std::string& s, size_t limit) {
  if (s.size() <= limit)
    return s;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
    --end;
  return s.substr(0, end);
}

std::string amount(const rfq_line& l) {
  auto q = format_quantity(l.quantity);
  return l.unit.empty() ? q : q + " " + l.unit;
}

std::string summary_item(const rfq_line& l) {
  return one_line(l.product_name) + " " + amount(l);
}

/// "Chini 10 kg, Dal 5 kg" — as many whole items as fit `limit`, then
/// " (+N more)" for the rest.
std::string item_summary(const std::vector<rfq_line>& lines, size_t limit) {
  auto more = [](size_t n) { return n == 0 ? std::string{} : " (+" + std::to_string(n) + " more)"; };
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto item = summary_item(lines[i]);
    auto candidate = out.empty() ? item : out + ", " + item;
    auto rest = lines.size() - i - 1;
    if (candidate.size() + more(rest).size() <= limit) {
      out = std::move(candidate);
      continue;
    }
    // The last round left room for this note, so it always fits.
    if (!out.empty())
      return out + more(lines.size() - i);
    // Not even the first item fits: cut it short rather than say nothing.
    return utf8_prefix(item, limit - 3 - more(rest).size()) + "..." + more(rest);
  }
  return out;
}

std::string plural_items(size_t n) {
  return std::to_string(n) + (n == 1 ? " item" : " items");
}

}  // namespace

std::string format_quantity(double quantity) {
  if (!std::isfinite(quantity))
    return "?";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", quantity);
  std::string out{buf};
  while (!out.empty() && out.back() == '0')
    out.pop_back();
  if (!out.empty() && out.back() == '.')
    out.pop_back();
  if (out == "-0")
    out = "0";
  return out;
}

std::string short_rfq_ref(const std::string& rfq_id) {
  return rfq_id.substr(0, 8);
}

rfq_rendering render_rfq(const rfq_content& rfq) {
  rfq_rendering out;
  auto ref = short_rfq_ref(rfq.rfq_id);
  auto retailer = one_line(rfq.retailer_label);
  auto wholesaler = one_line(rfq.wholesaler_name);

  out.subject = "Request for quote " + ref + ": " + plural_items(rfq.lines.size());
  if (!retailer.empty())
    out.subject += " for " + retailer;

  std::string& t = out.text;
  t = wholesaler.empty() ? "Namaste,\n\n" : "Namaste " + wholesaler + ",\n\n";
  t += (retailer.empty() ? std::string{"A retailer"} : retailer)
       + " asks for your prices and availability of these items:\n\n";
  for (size_t i = 0; i < rfq.lines.size(); ++i) {
    const auto& l = rfq.lines[i];
    t += std::to_string(i + 1) + ". " + one_line(l.product_name);
    if (!l.sku.empty())
      t += " (SKU " + one_line(l.sku) + ")";
    t += " - " + amount(l) + "\n";
  }
  t += "\nPlease reply with your price per unit and when you can deliver.\n\n";
  t += "RFQ: " + rfq.rfq_id + "\n";
  t += "Order: " + rfq.order_id + "\n";

  out.template_params = {utf8_prefix(wholesaler, max_template_param_bytes), ref,
                         std::to_string(rfq.lines.size()),
                         item_summary(rfq.lines, max_template_param_bytes)};
  return out;
}

}  // namespace khaacho::model

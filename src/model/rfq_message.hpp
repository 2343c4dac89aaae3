// The words of one RFQ: the e-mail subject and body and the WhatsApp template
// parameters a wholesaler receives. Pure: no I/O, no clock.
#pragma once

#include <string>
#include <vector>

namespace khaacho::model {

/// One item a wholesaler is asked to quote.
struct rfq_line {
  std::string product_name;
  std::string sku;   ///< may be empty
  std::string unit;  ///< canonical unit, may be empty
  double quantity = 0;
};

/// What an RFQ says, as the rfq stage stored it.
struct rfq_content {
  std::string rfq_id;
  std::string order_id;
  std::string wholesaler_name;
  std::string retailer_label;  ///< the shop, as the wholesaler knows it; may be empty
  std::vector<rfq_line> lines;
};

/// An RFQ in the shapes the notify channels send.
struct rfq_rendering {
  std::string subject;  ///< one line, may hold non-ASCII names
  std::string text;     ///< plain text, '\n' line ends
  /// Body parameters of the WhatsApp template, in order: wholesaler name,
  /// short RFQ reference, item count, one-line item summary. Each is one
  /// line (WhatsApp rejects parameters with newlines or tabs) of at most
  /// max_template_param_bytes.
  std::vector<std::string> template_params;
};

/// WhatsApp caps a template text parameter; bytes bound characters from above.
constexpr size_t max_template_param_bytes = 1024;

/// Renders `rfq` for every channel.
rfq_rendering render_rfq(const rfq_content& rfq);

/// A quantity without trailing zeros ("2", "1.5", "0.25"); at most three
/// decimals, as the units we sell in need no more.
std::string format_quantity(double quantity);

/// The first 8 characters of an RFQ id: enough for a person to quote back.
std::string short_rfq_ref(const std::string& rfq_id);

}  // namespace khaacho::model

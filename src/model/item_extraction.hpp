// The built-in rule-based item extractor: OCR text of an order list in,
// {name, quantity, unit} items out, one per item line. Pure code, no I/O.
//
// A line is an item when, after its list number or bullet ("1.", "2)", "(3)",
// "१.", "-", "*", "•"), it holds a name with at least one letter and a
// quantity: a number (ASCII or Devanagari digits, "1.5", "1/2", "½", "2 1/2",
// "half") optionally followed by a unit word (unit_words.hpp), written before
// the name ("2 dozen eggs") or after it ("chini 10kg", "Rara - 3 ctn",
// "soap x 12 pcs", "dal (2 kg)"). When a line holds several numbers the
// quantity is, in order: the last one if a separator (- x × : = @ , |) or a
// parenthesis sets it apart; a leading one with a unit (a pack size such as
// "1 kg" is written after the name, a weight before a count unit loses to
// it); the last one with a unit; the last bare number; failing those, a
// counted quantity inside the line (unsure). Numbers in the middle of a name
// ("2PM", "7 O'Clock", "Tiger 65gm") stay part of it. A bare number over 1000
// or with a leading zero ("0021") is never a quantity, and a bare quantity
// needs a name word of three letters or more (OCR debris: "ee we 5").
//
// Lines that are not items give nothing: no quantity and no list marker
// (shop names, headers, greetings, addresses, signatures such as "- Ram"),
// dates (2081/08/12, 2081-08-12, 12.7.2024), phone numbers (7+ digits,
// +977, 9812-345678), and lines with only a bare number next to a
// header/total/phone/date/greeting word ("Total items: 7", "जम्मा ८",
// "Ward 5"), or a ward number glued to a place ("Dharan-8").
//
// Lines without any quantity: a numbered line or one with a non-dash bullet
// ("3. Dettol soap", "* Rara") is an order entry whose amount was left out,
// so it becomes an item of quantity 1, unit "", unsure ("no quantity
// written") rather than be silently dropped or guessed; a dash-bulleted or
// plain line without a quantity is dropped, since signatures ("- Ram") and
// headers look the same.
//
// OCR damage is read where the reading is still clear: a stray ")" between a
// leading number and its unit ("12) प्याकेट"), a list number glued to a count
// ("1.3 ctn" is item 1, 3 cartons), list numbers read as letters ("Y)", "og)"),
// a Devanagari unit glued to the name after it ("२००ग्रामजीरा"), "के. जी."
// apart. Digits guessed from look-alikes before a unit word ("S ctn", "x Z
// BX", "(\Dz)", "। kilo", "+ BORA", "y कार्टुन", "उकार्टुन", "SKG", "1@ nos")
// are read but unsure; so are numbers mixing ASCII and Devanagari digits,
// Devanagari digits on a line of Latin words (where a Devanagari digit run
// right after a number is a misread unit word: "5 ८५०"), a 9 before a
// Devanagari unit (१ and ७ are read as 9), a unit word that fits two units
// ("bil"), and an item with a unit but no readable name (no word of three
// Latin or two Devanagari letters).
//
// unsure is set, with a reason, for: an unknown unit word after a separated
// number ("Maggi - 5 potli"), a unit read from an OCR-damaged word ("cartn";
// at the line end also short ones: "ke", "bova"), a quantity over 1000, two
// numbers either of which could be the quantity, a fraction ("1/2"), a
// quantity found inside the line, and a missing quantity.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "model/extracted_item.hpp"

namespace khaacho::model {

/// The items of an order list's OCR text, in reading order (lines split on
/// '\n'). Not cleaned: duplicates stay apart (see clean_items). Never throws
/// on any input (invalid UTF-8 included).
std::vector<extracted_item> extract_items(std::string_view ocr_text);

/// The item one line holds, if any; `line` of the result is the trimmed line.
/// A line-at-a-time entry point for tests and callers with their own layout.
std::optional<extracted_item> extract_item_from_line(std::string_view line);

/// The items one line holds: usually one or none, several when the line
/// lists them apart by commas or semicolons and each part reads plainly as
/// an item with a name and a unit ("chini 5 kg, nun 2 pkt"). `line` of each
/// is the whole trimmed line.
std::vector<extracted_item> extract_items_from_line(std::string_view line);

}  // namespace khaacho::model

#include "model/grocery_synonyms.hpp"

#include <unordered_map>
#include <utility>

#include "model/text_folding.hpp"

namespace khaacho::model {

namespace {

// Kinds of goods only: words that name what a product is, never a brand.
// A word of the list that is itself a product's alias ("nun", "chini") still
// matches that alias exactly; the English word is a second, weaker reading.
constexpr std::pair<const char*, const char*> pairs[] = {
  {"sabun", "soap"},        {"tel", "oil"},         {"chamal", "rice"},
  {"chiya", "tea"},         {"chiyapatti", "tea"},  {"pitho", "flour"},
  {"dudh", "milk"},         {"nun", "salt"},        {"chini", "sugar"},
  {"ghiu", "ghee"},         {"pani", "water"},      {"suryamukhi", "sunflower"},
  {"tori", "mustard"},      {"biskut", "biscuit"},  {"anda", "egg"},
  {"alu", "potato"},        {"pyaj", "onion"},      {"lasun", "garlic"},
  {"besar", "turmeric"},    {"marich", "pepper"},   {"khursani", "chilli"},
  {"dahi", "curd"},         {"makai", "maize"},     {"gahun", "wheat"},
  {"jira", "cumin"},        {"dhaniya", "coriander"}, {"kaju", "cashew"},
  {"kismis", "raisin"},
};

const std::unordered_map<std::string, std::string>& table() {
  static const std::unordered_map<std::string, std::string> t = [] {
    std::unordered_map<std::string, std::string> m;
    for (const auto& [nepali, english] : pairs)
      m.emplace(word_key(nepali), word_key(english));
    return m;
  }();
  return t;
}

}  // namespace

const std::string& english_word_key(std::string_view key) {
  static const std::string none;
  const auto& t = table();
  auto it = t.find(std::string{key});
  return it == t.end() ? none : it->second;
}

}  // namespace khaacho::model

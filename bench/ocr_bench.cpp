// Tesseract on a folder of photographed order lists with ground truth
// (dev-NNN.{jpg,png,webp} + dev-NNN.json with "lines" and "quality", the
// layout of ../shared/data/orders-dev): time per image on one core (median,
// p95), character accuracy against the drawn lines by quality, and
// throughput with one engine per core.
// Usage: ocr_bench DIR [--psm N] [--threads N] [--only dev-001,dev-002] [--dump DIR] [--readings N]
//        [--lang eng+nep] [--english-share S (-1: never re-read as eng)] [--var NAME=VALUE]... [--save-pages DIR (cleaned pages as PNG)]
//        [--reread-below C (0: no line re-reads)] [--line-rereads 32,48 (heights of the re-reads)]
//        [--line-model DIR (also read Latin lines with the PP-OCR line model installed there)]
//        clean-up switches: [--binarize] [--no-flatten] [--no-deskew] [--no-denoise]
//                           [--min-width W] [--max-width W] [--text-height H]
// Without clean-up switches the engine runs the service's default readings
// (--readings 1 keeps the first only); with any, one reading with them.
// The dump's .lines.tsv has per line "confidence<TAB>text", then the other
// readings of the line as more confidence/text pairs.
// The engine keeps Tesseract to one thread, so the first pass is one core's
// time; the CPU column counts every thread of the process.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

#include <leptonica/allheaders.h>
#include <simdjson.h>

#include "adapters/ocr/line_model.hpp"
#include "adapters/ocr/tesseract_ocr.hpp"
#include "config/settings.hpp"
#include "dev_set_images.hpp"
#include "common/errc.hpp"

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

struct sample {
  std::string path;
  std::string quality;
  std::string truth;  ///< lines joined by '\n', lower-cased
  std::string bytes;
};

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// Collapses runs of whitespace to one space per line, drops empty lines.
std::string normalize(const std::string& s) {
  std::string out;
  bool space = false;
  bool line_start = true;
  for (char c : s) {
    if (c == '\n') {
      if (!line_start)
        out += '\n';
      line_start = true;
      space = false;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
      space = !line_start;
    } else {
      if (space)
        out += ' ';
      out += c;
      space = false;
      line_start = false;
    }
  }
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}

/// 1 - edit distance / longer length, over bytes (like difflib's ratio in spirit).
double similarity(const std::string& a, const std::string& b) {
  if (a.empty() && b.empty())
    return 1.0;
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return 1.0 - static_cast<double>(prev[b.size()]) / static_cast<double>(std::max(a.size(), b.size()));
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ocr_bench DIR [--psm N] [--binarize] [--max-width W] [--min-width W] [--threads N]\n");
    return 2;
  }
  khaacho::ocr::cleanup_options cleanup;
  int psm = 6;
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  std::string only;  // comma-separated file stems, e.g. dev-001,dev-013
  std::string dump;  // folder for each image's OCR text (<stem>.txt)
  bool show_specks = false;
  std::string languages = khaacho::config::ocr_settings{}.languages;
  int readings = 2;
  bool custom_cleanup = false;
  double english_share = 0.02;  // re-read pages with at most this Devanagari share as eng; <0 never
  std::vector<std::pair<std::string, std::string>> vars;  // Tesseract parameters
  std::string save_pages;  // folder for each cleaned page (<stem>.png)
  // As the service reads (ocr.reread-below); --reread-below 0 never re-reads.
  std::vector<int> reread_heights = khaacho::ocr::line_reread_heights();
  double reread_below = khaacho::config::ocr_settings{}.reread_below;
  std::string line_model;  // folder of the PP-OCR line model; empty: none
  const std::set<std::string> cleanup_switches{"--binarize",    "--max-width",   "--min-width",
                                                "--text-height", "--flatten",     "--no-flatten",
                                                "--no-denoise",  "--speck-ratio", "--no-deskew"};
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    custom_cleanup = custom_cleanup || cleanup_switches.count(a) > 0;
    if (a == "--psm" && i + 1 < argc)
      psm = std::atoi(argv[++i]);
    else if (a == "--binarize")
      cleanup.binarize = true;
    else if (a == "--max-width" && i + 1 < argc)
      cleanup.max_width = std::atoi(argv[++i]);
    else if (a == "--min-width" && i + 1 < argc)
      cleanup.min_width = std::atoi(argv[++i]);
    else if (a == "--text-height" && i + 1 < argc)
      cleanup.text_height = std::atoi(argv[++i]);
    else if (a == "--readings" && i + 1 < argc)
      readings = std::atoi(argv[++i]);
    else if (a == "--threads" && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else if (a == "--flatten")
      cleanup.flatten_light = true;
    else if (a == "--no-flatten")
      cleanup.flatten_light = false;
    else if (a == "--no-denoise")
      cleanup.denoise = false;
    else if (a == "--speck-ratio" && i + 1 < argc)
      cleanup.noisy_speck_ratio = std::atof(argv[++i]);
    else if (a == "--show-specks")
      show_specks = true;
    else if (a == "--no-deskew")
      cleanup.deskew = false;
    else if (a == "--only" && i + 1 < argc)
      only = argv[++i];
    else if (a == "--dump" && i + 1 < argc)
      dump = argv[++i];
    else if (a == "--english-share" && i + 1 < argc)
      english_share = std::atof(argv[++i]);
    else if (a == "--lang" && i + 1 < argc)
      languages = argv[++i];
    else if (a == "--line-rereads" && i + 1 < argc) {
      reread_heights.clear();
      std::string list = argv[++i];
      for (size_t at = 0; at < list.size();) {
        auto comma = list.find(',', at);
        reread_heights.push_back(std::atoi(list.substr(at, comma - at).c_str()));
        at = comma == std::string::npos ? list.size() : comma + 1;
      }
    } else if (a == "--reread-below" && i + 1 < argc)
      reread_below = std::atof(argv[++i]);
    else if (a == "--line-model" && i + 1 < argc)
      line_model = argv[++i];
    else if (a == "--save-pages" && i + 1 < argc)
      save_pages = argv[++i];
    else if (a == "--var" && i + 1 < argc) {
      std::string kv = argv[++i];
      auto eq = kv.find('=');
      if (eq != std::string::npos)
        vars.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else {
      std::fprintf(stderr, "unknown switch %s\n", a.c_str());
      return 2;
    }
  }
  std::vector<sample> samples;
  for (const auto& path : khaacho::bench::dev_set_images(argv[1], only)) {
    auto json_path = path;
    json_path.replace_extension(".json");
    if (!fs::exists(json_path))
      continue;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.load(json_path.string()).get(doc))
      continue;
    sample s;
    s.path = path.string();
    std::string_view q;
    if (!doc["quality"].get(q))
      s.quality = std::string{q};
    simdjson::dom::array lines;
    if (!doc["lines"].get(lines))
      for (auto l : lines) {
        std::string_view t;
        if (!l.get(t))
          s.truth += std::string{t} + "\n";
      }
    s.truth = normalize(lower(s.truth));
    s.bytes = slurp(path);
    samples.push_back(std::move(s));
  }
  std::sort(samples.begin(), samples.end(), [](auto& a, auto& b) { return a.path < b.path; });
  if (show_specks) {
    // The noise measure the clean-up decides on, per image (no OCR).
    for (const auto& s : samples) {
      auto opts = cleanup;
      opts.denoise = false;
      opts.deskew = false;
      auto page = khaacho::ocr::clean_page(s.bytes, opts);
      if (page)
        std::printf("%-50s %-9s specks=%.3f\n", s.path.c_str(), s.quality.c_str(),
                    khaacho::ocr::speck_ratio(page->get()));
    }
    return 0;
  }
  if (!save_pages.empty()) {
    for (const auto& s : samples)
      if (auto page = khaacho::ocr::clean_page(s.bytes, cleanup); page)
        pixWrite((fs::path{save_pages} / (fs::path{s.path}.stem().string() + ".png")).c_str(), page->get(),
                 IFF_PNG);
    return 0;
  }
  auto open_engine = [&] {
    auto passes = khaacho::ocr::default_readings();
    passes.resize(static_cast<size_t>(std::clamp(readings, 1, static_cast<int>(passes.size()))));
    if (custom_cleanup)
      passes = {cleanup};
    auto e = khaacho::ocr::tesseract_ocr::open(languages, passes, psm);
    if (e) {
      (*e)->set_english_share(english_share);
      (*e)->set_line_rereads(reread_heights, reread_below);
      if (!line_model.empty()) {
        auto m = khaacho::ocr::line_model::open(line_model);
        if (!m)
          return decltype(e){m.error()};
        (*e)->set_line_model(std::move(*m));
      }
    }
    if (e)
      for (const auto& [name, value] : vars)
        if (!(*e)->set_variable(name, value))
          std::fprintf(stderr, "unknown Tesseract parameter %s\n", name.c_str());
    return e;
  };
  auto engine = open_engine();
  if (!engine) {
    std::fprintf(stderr, "%s\n", khaacho::describe(engine.error()).c_str());
    return 1;
  }
  std::vector<double> secs;
  std::vector<double> cpu_secs;
  std::map<std::string, std::pair<double, int>> by_quality;
  double total_acc = 0;
  for (const auto& s : samples) {
    auto t0 = clock_type::now();
    double c0 = cpu_seconds();
    auto r = (*engine)->read(s.bytes);
    double dt = std::chrono::duration<double>(clock_type::now() - t0).count();
    double cpu = cpu_seconds() - c0;
    secs.push_back(dt);
    cpu_secs.push_back(cpu);
    double acc = r ? similarity(normalize(lower(r->text)), s.truth) : 0.0;
    if (!dump.empty() && r) {
      std::ofstream out{fs::path{dump} / (fs::path{s.path}.stem().string() + ".txt")};
      out << r->text;
      // Line confidences, as the OCR stage hands them to the extract stage.
      std::ofstream lines{fs::path{dump} / (fs::path{s.path}.stem().string() + ".lines.tsv")};
      for (size_t i = 0; i < r->lines.size(); ++i) {
        lines << r->lines[i].confidence << '\t' << r->lines[i].text;
        if (i < r->line_readings.size())
          for (size_t k = 1; k < r->line_readings[i].size(); ++k)
            lines << '\t' << r->line_readings[i][k].confidence << '\t' << r->line_readings[i][k].text;
        lines << '\n';
      }
      // Lines taken for crossed out: none should be on a set without them.
      for (const auto& struck : r->struck_lines) {
        lines << "struck\t" << struck << '\n';
        std::printf("%s: struck line: %s\n", s.path.c_str(), struck.c_str());
      }
    }
    total_acc += acc;
    by_quality[s.quality].first += acc;
    by_quality[s.quality].second += 1;
    std::printf("%-50s %-9s %6.2fs cpu=%5.2fs acc=%.3f conf=%.2f\n", s.path.c_str(), s.quality.c_str(), dt,
                cpu, acc, r ? r->confidence : 0.0);
  }
  std::printf("\nlang=%s images=%zu psm=%d binarize=%d flatten=%d deskew=%d denoise=%d width=[%d,%d]\n",
              languages.c_str(), samples.size(), psm, cleanup.binarize ? 1 : 0, cleanup.flatten_light ? 1 : 0,
              cleanup.deskew ? 1 : 0, cleanup.denoise ? 1 : 0, cleanup.min_width, cleanup.max_width);
  std::printf("one at a time: median %.2f s, p95 %.2f s per image; CPU median %.2f s, p95 %.2f s\n",
              percentile(secs, 0.5), percentile(secs, 0.95), percentile(cpu_secs, 0.5),
              percentile(cpu_secs, 0.95));
  std::printf("char accuracy: all %.3f", samples.empty() ? 0 : total_acc / static_cast<double>(samples.size()));
  for (auto& kv : by_quality)
    std::printf("  %s %.3f", kv.first.c_str(), kv.second.first / kv.second.second);
  std::printf("\n");

  if (threads <= 0)
    return 0;
  // Throughput: one engine per thread, like the OCR stage's worker pool.
  std::atomic<size_t> next{0};
  auto t0 = clock_type::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      auto e = open_engine();
      if (!e)
        return;
      for (size_t i = next++; i < samples.size(); i = next++)
        (void)(*e)->read(samples[i].bytes);
    });
  for (auto& th : pool)
    th.join();
  double wall = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::printf("pool of %d: %.2f images/s (%.1f s for %zu)\n", threads,
              static_cast<double>(samples.size()) / wall, wall, samples.size());
  return 0;
}

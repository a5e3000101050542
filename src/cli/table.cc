#include "cli/table.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace bg::cli {
namespace {

using Json = nlohmann::json;

// East Asian Wide (W) and Fullwidth (F) ranges of Unicode's
// EastAsianWidth.txt, folded into the blocks that hold them.
bool Wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

bool Combining(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0xFE00 && c <= 0xFE0F);
}

// The order of columns: the id, then names, then the rest as they come.
int Rank(const std::string& key) {
  if (key == "id") return 0;
  if (key == "name") return 1;
  return 2;
}

void Pad(std::FILE* out, const std::string& text, size_t width) {
  std::fputs(text.c_str(), out);
  for (size_t w = DisplayWidth(text); w < width + 2; ++w) std::fputs(" ", out);
}

// A duration in seconds the API sends ("walltime_s", "card_seconds"; not
// a time such as "start_unix_s"): people read hours.
bool IsSeconds(std::string_view key) {
  const auto ends = [&](std::string_view tail) {
    return key.size() >= tail.size() && key.substr(key.size() - tail.size()) == tail;
  };
  return (ends("_s") && !ends("_unix_s")) || ends("_seconds");
}

}  // namespace

std::string Header(std::string_view key) {
  if (!IsSeconds(key)) return std::string(key);
  const size_t cut = key.size() - (key.substr(key.size() - 2) == "_s" ? 2 : 8);
  return std::string(key.substr(0, cut)) + (key.substr(key.size() - 2) == "_s" ? "_h" : "_hours");
}

std::string CellOf(std::string_view key, const Json& v) {
  if (!IsSeconds(key) || !v.is_number_integer() || v.get<int64_t>() < 0) return Cell(v);
  // Hours to two decimals, rounded half up, in integer arithmetic.
  const uint64_t centi = (v.get<uint64_t>() * 100 + 1800) / 3600;
  const std::string frac = std::to_string(100 + centi % 100).substr(1);
  return std::to_string(centi / 100) + "." + frac;
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const size_t n = b < 0x80           ? 1
                     : (b >> 5) == 0x6  ? 2
                     : (b >> 4) == 0xE  ? 3
                     : (b >> 3) == 0x1E ? 4
                                        : 1;
    char32_t c = n == 1 ? char32_t{b} : char32_t{b} & (0x7Fu >> n);
    for (size_t k = 1; k < n && i + k < text.size(); ++k) {
      c = (c << 6) | (char32_t{static_cast<unsigned char>(text[i + k])} & 0x3Fu);
    }
    i += n;
    width += Combining(c) ? 0u : Wide(c) ? 2u : 1u;
  }
  return width;
}

namespace {

// One element of a list in a cell: a scalar as itself, a record by its
// name (a facility, a reviewer); nothing for anything else.
std::optional<std::string> ListElement(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  if (v.is_object() && v.contains("name") && v["name"].is_string()) {
    return v["name"].get<std::string>();
  }
  return std::nullopt;
}

}  // namespace

std::string Cell(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("yuan")) return v["yuan"].get<std::string>();
  if (v.is_null()) return "-";
  if (v.is_array()) {
    // A list of names or values reads in full ("beamline, cryo_em"); one of
    // records without a name says how many it holds (`get` shows them).
    if (v.empty()) return "-";
    std::string joined;
    for (const Json& e : v) {
      const std::optional<std::string> one = ListElement(e);
      if (!one) return std::to_string(v.size()) + (v.size() == 1 ? " item" : " items");
      joined += (joined.empty() ? "" : ", ") + *one;
    }
    return joined;
  }
  if (v.is_object()) return "…";
  return v.dump();
}

void PrintTable(const Json& rows, std::FILE* out, std::string_view chosen) {
  if (rows.empty()) {
    std::fprintf(out, "(none)\n");
    return;
  }
  std::vector<std::string> columns;
  if (!chosen.empty()) {
    for (size_t at = 0; at <= chosen.size();) {
      const size_t comma = std::min(chosen.find(',', at), chosen.size());
      columns.emplace_back(chosen.substr(at, comma - at));
      at = comma + 1;
    }
  } else {
    // Every row's columns, not the first's only: the rows of a history
    // differ (a grant has an amount, a claim its job, held and spent).
    for (const Json& r : rows) {
      for (auto it = r.begin(); it != r.end(); ++it) {
        const Json& v = it.value();
        if (v.is_array() || (v.is_object() && !v.contains("yuan"))) continue;
        if (std::find(columns.begin(), columns.end(), it.key()) == columns.end()) {
          columns.push_back(it.key());
        }
      }
    }
    std::stable_sort(columns.begin(), columns.end(),
                     [](const std::string& a, const std::string& b) { return Rank(a) < Rank(b); });
  }
  std::vector<size_t> width;
  width.reserve(columns.size());
  for (const std::string& c : columns) width.push_back(DisplayWidth(Header(c)));
  std::vector<std::vector<std::string>> cells;
  for (const Json& r : rows) {
    std::vector<std::string> line;
    for (size_t i = 0; i < columns.size(); ++i) {
      line.push_back(r.contains(columns[i]) ? CellOf(columns[i], r[columns[i]]) : "");
      width[i] = std::max(width[i], DisplayWidth(line.back()));
    }
    cells.push_back(std::move(line));
  }
  for (size_t i = 0; i < columns.size(); ++i) Pad(out, Header(columns[i]), width[i]);
  std::fputc('\n', out);
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) Pad(out, line[i], width[i]);
    std::fputc('\n', out);
  }
}

namespace {

// Whether every member of `v` is a scalar or money: a one-line object.
bool Flat(const Json& v) {
  return std::all_of(v.begin(), v.end(), [](const Json& m) {
    return !m.is_array() && !(m.is_object() && !m.contains("yuan"));
  });
}

void PrintMembers(const Json& j, std::FILE* out, const std::string& indent) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const Json& v = it.value();
    if (v.is_array() && !v.empty() && v[0].is_object()) {
      std::fprintf(out, "%s%s:\n", indent.c_str(), it.key().c_str());
      PrintTable(v, out);
    } else if (v.is_object() && !v.contains("yuan") && !v.empty() && Flat(v)) {
      // A small object of scalars (counts per status): on one line.
      std::string line;
      for (auto m = v.begin(); m != v.end(); ++m) {
        line += (line.empty() ? "" : ", ") + Header(m.key()) + " " + CellOf(m.key(), m.value());
      }
      std::fprintf(out, "%s%-20s %s\n", indent.c_str(), it.key().c_str(), line.c_str());
    } else if (v.is_object() && !v.contains("yuan") && !v.empty()) {
      // A record with lists of its own (a job in its trail): its lines, indented.
      std::fprintf(out, "%s%s:\n", indent.c_str(), it.key().c_str());
      PrintMembers(v, out, indent + "  ");
    } else {
      std::fprintf(out, "%s%-20s %s\n", indent.c_str(), Header(it.key()).c_str(),
                   CellOf(it.key(), v).c_str());
    }
  }
}

}  // namespace

void PrintObject(const Json& j, std::FILE* out) { PrintMembers(j, out, ""); }

}  // namespace bg::cli

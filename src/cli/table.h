// How the CLI prints JSON answers for people: a list as an aligned table,
// an object as name/value lines. Columns are aligned by display width (a
// Chinese character takes two terminal cells), a cell is never cut, and
// the id comes first, then the names beside ids.
//
// Thread-safety: pure functions (they write to the FILE given).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace bg::cli {

// Terminal cells `text` (UTF-8) takes: two for East Asian wide and
// full-width characters, none for combining marks, one for the rest.
size_t DisplayWidth(std::string_view text);

// A value as one cell: strings as they are, money as its yuan, null as
// "-", nested objects and arrays as "…".
std::string Cell(const nlohmann::json& v);
// A member's column name and cell: durations the API sends in seconds
// ("walltime_s", "card_seconds") are shown in hours ("walltime_h",
// "card_hours", 2 decimals); everything else as it is. (--json keeps the
// API's seconds.)
std::string Header(std::string_view key);
std::string CellOf(std::string_view key, const nlohmann::json& v);

// Rows of objects as an aligned table of their scalar (and money) columns,
// or of `columns` (comma-separated, in that order) when given.
void PrintTable(const nlohmann::json& rows, std::FILE* out = stdout, std::string_view columns = "");
// An object as one "name  value" line per member: a member that is a
// list of objects as a table under its name, a small object of scalars on
// one line, an object with lists of its own (a job in its trail) as its
// own lines, indented.
void PrintObject(const nlohmann::json& j, std::FILE* out = stdout);

}  // namespace bg::cli

// Statements and flows as CSV (RFC 4180, UTF-8, a header row, money in
// yuan with two decimals) and as JSON (money in integer fen and as a yuan
// string, so that a script never meets a float). The only file that
// includes nlohmann/json.
#pragma once

#include <string>
#include <vector>

#include "programme/registry.h"
#include "settlement/settlement.h"

namespace bg::settlement {

// One row per line of every statement, then nothing else: the totals are
// the sums of the rows (a test checks it).
std::string StatementsCsv(const std::vector<Statement>& statements,
                          const programme::Registry& registry);
std::string StatementsJson(const std::vector<Statement>& statements,
                           const programme::Registry& registry, bool with_lines = true);

// One statement's figures and steps (StatementsJson's object without
// `lines`), and its lines [from, to) as a JSON array: a statement's lines
// a page at a time.
std::string StatementHeadJson(const Statement& st, const programme::Registry& registry);
std::string StatementLinesJson(const Statement& st, const programme::Registry& registry,
                               size_t from, size_t to);

std::string FlowsCsv(const std::vector<Flow>& flows, const programme::Registry& registry);
std::string FlowsJson(const std::vector<Flow>& flows, const programme::Registry& registry);

}  // namespace bg::settlement

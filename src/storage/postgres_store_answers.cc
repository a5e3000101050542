#include "storage/postgres_store_answers.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "storage/postgres_store_rows.h"

namespace bg::storage::pg_answers {

Status Write(pg::Connection& conn, const Projection& projection) {
  if (projection.forget_answers_before != 0) {
    // Answers are kept in time order, so the old ones are a prefix of the
    // ids: delete up to the first one young enough to stay.
    BG_RETURN_IF_ERROR(
        conn.Run("DELETE FROM answers WHERE id < COALESCE("
                 "(SELECT id FROM answers WHERE at >= $1 ORDER BY id LIMIT 1), "
                 "(SELECT MAX(id) + 1 FROM answers))",
                 pg::Params().Uint(projection.forget_answers_before), "forget old answers"));
  }
  // A batch's answers in statements of up to 256 rows, not one round trip
  // each. Rows of one statement go in in order, so of two answers for one
  // key in a batch the first stays, as for two batches.
  constexpr size_t kRows = 256;
  const std::vector<KeptAnswer>& answers = projection.answers;
  for (size_t first = 0; first < answers.size(); first += kRows) {
    const size_t n = std::min(kRows, answers.size() - first);
    pg::Params params;
    for (size_t i = first; i < first + n; ++i) {
      const KeptAnswer& a = answers[i];
      params.Text(a.caller).Text(a.key).Bytes(a.request).Bytes(a.answer).Uint(a.at);
    }
    BG_RETURN_IF_ERROR(conn.Run("INSERT INTO answers (caller, key, request, answer, at) VALUES " +
                                    pg_rows::ValuesClause(5, n) +
                                    " ON CONFLICT (caller, key) DO NOTHING",
                                params, "keep answers"));
  }
  return Status::Ok();
}

Result<std::optional<KeptAnswer>> Find(pg::Connection& conn, std::string_view caller,
                                       std::string_view key) {
  BG_ASSIGN_OR_RETURN(
      const pg::Rows rows,
      conn.Exec("SELECT request, answer, at FROM answers WHERE caller = $1 AND key = $2",
                pg::Params().Text(caller).Text(key), "find a kept answer"));
  if (rows.empty()) return std::optional<KeptAnswer>();
  KeptAnswer out;
  out.caller = std::string(caller);
  out.key = std::string(key);
  if (!rows.Hash(0, 0, &out.request)) {
    return DataLoss("the answer kept for key " + std::string(key) +
                    " has a malformed request hash");
  }
  const std::span<const uint8_t> answer = rows.Bytes(0, 1);
  out.answer.assign(answer.begin(), answer.end());
  out.at = rows.Uint(0, 2);
  return std::optional<KeptAnswer>(std::move(out));
}

}  // namespace bg::storage::pg_answers

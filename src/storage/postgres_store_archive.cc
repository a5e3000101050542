#include "storage/postgres_store_archive.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

namespace bg::storage::pg_archive {
namespace {

std::vector<ArchiveRow> RowsFrom(const pg::Rows& rows) {
  std::vector<ArchiveRow> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int r = 0; r < rows.size(); ++r) {
    const std::span<const uint8_t> body = rows.Bytes(r, 4);
    out.push_back(ArchiveRow{.kind = static_cast<ArchiveKind>(rows.Int(r, 0)),
                             .id = rows.Uint(r, 1),
                             .owner = rows.Uint(r, 2),
                             .at = rows.Uint(r, 3),
                             .body = std::vector<uint8_t>(body.begin(), body.end())});
  }
  return out;
}

}  // namespace

Status Write(pg::Connection& conn, std::span<const ArchiveRow> rows) {
  // Many rows a statement (a Tick may retire thousands of jobs and charge
  // lines), not a round trip each. Each statement text is prepared once per
  // connection and kept, so only a few sizes are used: 256, 32, 4 and 1
  // rows, the largest that fits first (5 parameters a row).
  size_t at = 0;
  while (at < rows.size()) {
    size_t n = 256;
    while (n > rows.size() - at) n /= 8;
    n = std::max<size_t>(n, 1);
    std::string sql = "INSERT INTO archive (kind, id, owner, at, body) VALUES ";
    pg::Params params;
    for (size_t i = 0; i < n; ++i) {
      const ArchiveRow& r = rows[at + i];
      const size_t p = i * 5;
      sql += (i == 0 ? "($" : ", ($") + std::to_string(p + 1) + ", $" + std::to_string(p + 2) +
             ", $" + std::to_string(p + 3) + ", $" + std::to_string(p + 4) + ", $" +
             std::to_string(p + 5) + ")";
      params.Int(static_cast<int64_t>(r.kind)).Uint(r.id).Uint(r.owner).Uint(r.at).Bytes(r.body);
    }
    sql += " ON CONFLICT (kind, id) DO NOTHING";
    BG_RETURN_IF_ERROR(conn.Run(sql, params, "archive records"));
    at += n;
  }
  return Status::Ok();
}

Result<std::optional<ArchiveRow>> Find(pg::Connection& conn, ArchiveKind kind, uint64_t id) {
  BG_ASSIGN_OR_RETURN(
      pg::Rows rows,
      conn.Exec("SELECT kind, id, owner, at, body FROM archive WHERE kind = $1 AND id = $2",
                pg::Params().Int(static_cast<int64_t>(kind)).Uint(id), "read an archived record"));
  std::vector<ArchiveRow> out = RowsFrom(rows);
  if (out.empty()) return std::optional<ArchiveRow>();
  return std::optional<ArchiveRow>(std::move(out.front()));
}

Result<std::vector<ArchiveRow>> List(pg::Connection& conn, const ArchiveQuery& q) {
  const auto limit = static_cast<int64_t>(
      std::min<uint64_t>(q.limit, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
  // Two statements, so that an owner's page uses the owner index (a
  // generic plan of "$2 = 0 OR owner = $2" would not).
  pg::Params params;
  params.Int(static_cast<int64_t>(q.kind));
  if (q.owner != 0) params.Uint(q.owner);
  params.Uint(q.after_id).Int(limit);
  BG_ASSIGN_OR_RETURN(
      pg::Rows rows,
      conn.Exec(q.owner == 0 ? "SELECT kind, id, owner, at, body FROM archive WHERE kind = $1"
                               " AND id > $2 ORDER BY id LIMIT $3"
                             : "SELECT kind, id, owner, at, body FROM archive WHERE kind = $1"
                               " AND owner = $2 AND id > $3 ORDER BY id LIMIT $4",
                params, "read the archive"));
  return RowsFrom(rows);
}

}  // namespace bg::storage::pg_archive

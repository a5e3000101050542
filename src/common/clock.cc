#include "common/clock.h"

#include <chrono>
#include <ctime>

namespace bg {
namespace {

// The digits text[at, at+n) as a number; nothing if any is not a digit.
std::optional<int64_t> Digits(std::string_view text, size_t at, size_t n) {
  int64_t v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

bool LeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string FormatUtcTime(Timestamp t) {
  const auto secs = static_cast<std::time_t>(t / kNanosPerSecond);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<Timestamp> ParseUtcTime(std::string_view text) {
  const bool date_only = text.size() == 10;
  if (!date_only && text.size() != 20) return std::nullopt;
  if (text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!date_only && (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')) {
    return std::nullopt;
  }
  const auto y = Digits(text, 0, 4);
  const auto m = Digits(text, 5, 2);
  const auto d = Digits(text, 8, 2);
  if (!y || !m || !d || *y < 1970 || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  constexpr int64_t kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int64_t days_in_month = kMonthDays[*m - 1] + (*m == 2 && LeapYear(*y) ? 1 : 0);
  if (*d > days_in_month) return std::nullopt;
  int64_t seconds = DaysFromCivil(*y, *m, *d) * 86'400;
  if (!date_only) {
    const auto hh = Digits(text, 11, 2);
    const auto mm = Digits(text, 14, 2);
    const auto ss = Digits(text, 17, 2);
    if (!hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 59) return std::nullopt;
    seconds += *hh * 3600 + *mm * 60 + *ss;
  }
  return static_cast<Timestamp>(seconds) * kNanosPerSecond;
}

Timestamp SystemClock::Now() const {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<Timestamp>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

}  // namespace bg

#include "core/clock.h"

#include <cstdio>

namespace riskreg {

Timestamp SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

namespace {

/// The digits at text[at..at+count) as a number, or -1 when one of them is not a digit.
int digits(std::string_view text, size_t at, size_t count) {
  int v = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

/// Years 1 to 9999 and seconds 0 to 59: a timestamp riskreg writes back exactly as read.
/// Year 0 is no calendar year, and second 60 (a leap second) has no value of its own in
/// sys_seconds: it would be stored as the next minute's 00.
bool in_range(const std::chrono::year_month_day& ymd, int h, int mi, int se) {
  return ymd.ok() && static_cast<int>(ymd.year()) >= 1 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 &&
         se <= 59;
}

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  // The form riskreg writes, "2026-11-23T09:00:00Z", without sscanf's copies: a whole-register
  // evaluation reads a million of them.
  if (text.size() == 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' && text[16] == ':' &&
      text[19] == 'Z') {
    int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2), h = digits(text, 11, 2),
        mi = digits(text, 14, 2), se = digits(text, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0) return std::nullopt;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!in_range(ymd, h, mi, se)) return std::nullopt;
    return sys_days{ymd} + hours{h} + minutes{mi} + seconds{se};
  }
  std::string s(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  int n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return std::nullopt;
  std::string rest = s.substr(10);
  if (!rest.empty()) {
    int m = 0;
    if (std::sscanf(rest.c_str(), "T%2d:%2d:%2d%n", &h, &mi, &se, &m) == 3 && m == 9) {
      rest = rest.substr(9);
    } else if (m = 0; std::sscanf(rest.c_str(), "T%2d:%2d%n", &h, &mi, &m) == 2 && m == 6) {
      rest = rest.substr(6);
    } else {
      return std::nullopt;
    }
    if (!(rest.empty() || rest == "Z")) return std::nullopt;
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!in_range(ymd, h, mi, se)) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{se};
}

std::string format_timestamp(Timestamp t) {
  using namespace std::chrono;
  auto dp = floor<days>(t);
  year_month_day ymd{dp};
  hh_mm_ss hms{t - dp};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string format_date(Timestamp t) { return format_timestamp(t).substr(0, 10); }

}  // namespace riskreg

#pragma once
/// Time, passed in as a collaborator so tests can fix it (RISKREG_NOW).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace riskreg {

using Timestamp = std::chrono::sys_seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock : public Clock {
 public:
  Timestamp now() const override;
};

class FixedClock : public Clock {
 public:
  explicit FixedClock(Timestamp t) : t_(t) {}
  Timestamp now() const override { return t_; }

 private:
  Timestamp t_;
};

/// Parses `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM[:SS][Z]` (UTC). Refuses year 0
/// and second 60 (nullopt), as it refuses 2026-02-30.
std::optional<Timestamp> parse_timestamp(std::string_view text);
/// `YYYY-MM-DDTHH:MM:SSZ`
std::string format_timestamp(Timestamp t);
/// `YYYY-MM-DD`
std::string format_date(Timestamp t);

}  // namespace riskreg

// An export's or import's milestones in the log (io/logged_progress.h): every N rows at info,
// each call passed on to the progress it wraps.
#include <catch2/catch.hpp>

#include <memory>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "io/logged_progress.h"

using namespace riskreg;

namespace {
/// What the wrapped progress heard.
struct Heard : Progress {
  int64_t last = 0, calls = 0, finished = 0;
  void rows(int64_t done) override {
    last = done;
    ++calls;
  }
  void finish() override { ++finished; }
};

/// The process's default logger sent to a string for the test's length, then put back.
struct CapturedLog {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> before = spdlog::default_logger();
  CapturedLog() {
    auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(text));
    logger->set_pattern("%l %v");
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(before); }
};
}  // namespace

TEST_CASE("logged progress: a line every N rows at info, every call passed on", "[log][io]") {
  CapturedLog log;
  Heard heard;
  {
    LoggedProgress p(&heard, "export", "written to out.csv", 3);
    for (int64_t i = 1; i <= 7; ++i) p.rows(i);
    p.finish();
  }
  CHECK(log.text.str() == "info export: 3 rows written to out.csv\ninfo export: 6 rows written to out.csv\n");
  CHECK(heard.calls == 7);
  CHECK(heard.last == 7);
  CHECK(heard.finished == 1);
}

TEST_CASE("logged progress: rows reported in jumps log once per milestone passed, without a wrapped progress",
          "[log][io]") {
  CapturedLog log;
  LoggedProgress p(nullptr, "import", "checked in risks.csv", 100);
  p.rows(40);
  p.rows(250);  // past 100 and 200: one line, with the rows so far
  p.rows(299);
  p.rows(300);
  p.finish();
  CHECK(log.text.str() == "info import: 250 rows checked in risks.csv\ninfo import: 300 rows checked in risks.csv\n");
}

// "Non-zero exit => register unchanged", for every write command against every dependency it
// has broken. A register's rules travel inside it (rules_files); each is replaced in turn by a
// file that does not parse, and each write command runs against it: it must refuse (every write
// parses all the stored rules first, cli/context.h check_rules) and leave the register's bytes
// as they were. `init` and `generate` get a rules folder with each rules file or template broken
// and must create nothing.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <filesystem>

#include "support.h"

using namespace riskreg::test;
namespace fs = std::filesystem;

namespace {

std::string snapshot(const std::string& db) {
  std::string wal = fs::exists(db + "-wal") ? read_file(db + "-wal") : "";
  return read_file(db) + "|wal|" + wal;
}

/// What each broken file holds: a table header that is never closed, which no TOML reader accepts.
const std::vector<std::string> kRulesFiles = {"matrix.toml", "flags.toml", "cascade.toml", "network.toml"};
const std::string kBroken = "[broken\nx = 1\n";

}  // namespace

TEST_CASE("write guard: each write command, each stored rules file broken: refused, register unchanged",
          "[write-guard]") {
  for (const auto& file : kRulesFiles) {
    TempDir dir;
    std::string db = init_darlington(dir);
    tamper_sql(db, "UPDATE rules_files SET content = '" + kBroken + "' WHERE name = '" + file + "'");
    write_file(dir.file("in.csv"), "id,title,current\nR5,Changed title,B2\n");
    const std::vector<std::vector<std::string>> writes = {
        {"score", "R5", "B2", "--reason", "guard"},
        {"owner", "R5", "Ann Guard"},
        {"import", dir.file("in.csv")},
        {"alert", "--period", "2026-11", "--to", "file", "--out", dir.file("alerts")},
    };
    for (const auto& w : writes) {
      std::vector<std::string> args = {"--db", db};
      args.insert(args.end(), w.begin(), w.end());
      std::string before = snapshot(db);
      auto r = run_riskreg(args);
      INFO(file << " broken; riskreg " << w[0] << ": exit " << r.exit_code << "\n" << r.err);
      CHECK(r.exit_code != 0);
      if (r.exit_code != 0) CHECK(snapshot(db) == before);
      // One line naming the broken file (then the offending line and a caret).
      CHECK(r.err.find(file) != std::string::npos);
    }
  }
}

TEST_CASE("write guard: init and generate with each rules file or template broken create nothing", "[write-guard]") {
  std::vector<std::string> broken = kRulesFiles;
  for (const auto& t : {"alert-summary.txt.mustache", "alert-summary.html.mustache", "alert-owner.txt.mustache",
                        "alert-owner.html.mustache"})
    broken.push_back(std::string("templates/") + t);
  for (const auto& file : broken) {
    TempDir dir;
    std::string rules = dir.file("rules");
    fs::copy(source_path("rules"), rules, fs::copy_options::recursive);
    write_file(rules + "/" + file, file.find(".mustache") != std::string::npos ? "{{#risks}}\n{{id}}\n" : kBroken);
    for (const auto& cmd : std::vector<std::vector<std::string>>{{"init", "--rules", rules},
                                                                 {"generate", "--risks", "20", "--rules", rules}}) {
      std::string db = dir.file("new.db");
      std::vector<std::string> args = {"--db", db};
      args.insert(args.end(), cmd.begin(), cmd.end());
      auto r = run_riskreg(args);
      INFO(file << " broken; riskreg " << cmd[0] << ": exit " << r.exit_code << "\n" << r.err);
      CHECK(r.exit_code == 5);
      CHECK(r.err.find(file) != std::string::npos);
      CHECK_FALSE(fs::exists(db));
    }
  }
}

TEST_CASE("write guard: a register with every rules file sound still takes every write", "[write-guard]") {
  // The guard refuses only what is broken: the same writes on an intact register succeed.
  TempDir dir;
  std::string db = init_darlington(dir);
  write_file(dir.file("in.csv"), "id,title,current\nR5,Changed title,B2\n");
  for (const auto& w : std::vector<std::vector<std::string>>{
           {"score", "R5", "B1", "--reason", "guard"},
           {"owner", "R5", "Ann Guard"},
           {"import", dir.file("in.csv")},
           {"alert", "--period", "2026-11", "--to", "file", "--out", dir.file("alerts")}}) {
    std::vector<std::string> args = {"--db", db};
    args.insert(args.end(), w.begin(), w.end());
    auto r = run_riskreg(args);
    INFO("riskreg " << w[0] << ": " << r.err);
    CHECK(r.exit_code == 0);
  }
  CHECK(run_riskreg({"--db", db, "audit", "verify"}).exit_code == 0);
}

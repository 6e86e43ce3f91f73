#pragma once
// A throw-away PostgreSQL cluster for the tests: initdb into a temporary directory, started
// on a free loopback port (and a socket in that directory), stopped with
// `pg_ctl stop -m immediate` and removed when the test process exits. As root (CI), the
// cluster runs as the `postgres` user, since initdb refuses root. One cluster per test
// process, started on first use; each test gets its own fresh database in it.
//
// If no server can start, pg_cluster() throws with the reason and the server's log, so
// the PostgreSQL tests fail loudly; they never skip. RISKREG_PG_BIN overrides the server's
// bin directory (default /usr/lib/postgresql/15/bin); the test of that failure uses it.
#include <string>

namespace riskreg::test {

class PgCluster {
 public:
  PgCluster();
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  int port() const { return port_; }
  /// The superuser every test connects as (trust authentication on loopback).
  static constexpr const char* kAdmin = "riskreg_test";
  /// `postgresql://USER@127.0.0.1:PORT/DB`
  std::string url(const std::string& db, const std::string& user = kAdmin) const;
  /// A new empty database (a unique name per call); returns its URL for the superuser.
  std::string fresh_database();
  /// The server's log (with PGOPTIONS='-c log_statement=all' a client's statements are in it).
  std::string log_path() const { return dir_ + "/server.log"; }
  /// Runs SQL as the superuser in `db` (roles, grants, tampering).
  void exec(const std::string& db_url, const std::string& sql) const;

 private:
  std::string dir_;
  std::string bin_;
  bool as_postgres_ = false;
  int port_ = 0;
  int next_db_ = 0;
  bool running_ = false;
};

/// The process's cluster, started on first call.
PgCluster& pg_cluster();

/// The database name in a URL made by PgCluster::url ("…/NAME").
std::string pg_db_name(const std::string& url);

}  // namespace riskreg::test

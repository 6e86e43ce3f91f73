#include "pg_cluster.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <pqxx/pqxx>

namespace fs = std::filesystem;

namespace riskreg::test {

namespace {

const char* kBinDir = "/usr/lib/postgresql/15/bin";

/// A port nobody listens on now (the kernel's choice for port 0).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("PostgreSQL test cluster: socket() failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("PostgreSQL test cluster: cannot find a free loopback port");
  }
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

PgCluster::PgCluster() : bin_(std::getenv("RISKREG_PG_BIN") ? std::getenv("RISKREG_PG_BIN") : kBinDir) {
  if (!fs::exists(bin_ + "/initdb"))
    throw std::runtime_error("PostgreSQL test cluster: " + bin_ +
                             "/initdb not found; install Debian's postgresql package (apt-get install postgresql)");
  char tmpl[] = "/tmp/riskreg-pg-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("PostgreSQL test cluster: mkdtemp failed");
  dir_ = tmpl;
  as_postgres_ = ::geteuid() == 0;
  if (as_postgres_) {
    // initdb refuses root: the cluster belongs to the postgres user.
    struct passwd* pw = ::getpwnam("postgres");
    if (!pw)
      throw std::runtime_error(
          "PostgreSQL test cluster: running as root and there is no 'postgres' user to run the "
          "server as (install Debian's postgresql package)");
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      throw std::runtime_error("PostgreSQL test cluster: cannot chown " + dir_ + " to postgres");
  }
  std::string run = as_postgres_ ? "runuser -u postgres -- " : "";
  std::string log = dir_ + "/setup.log";
  std::string initdb = run + bin_ + "/initdb -D " + dir_ + "/data -A trust -U " + kAdmin +
                       " --no-sync -E UTF8 --locale=C.UTF-8 >" + log + " 2>&1";
  // As root the log is written by root's shell into a postgres-owned directory: fine.
  if (std::system(initdb.c_str()) != 0)
    throw std::runtime_error("PostgreSQL test cluster: initdb failed:\n" + slurp(log));
  for (int attempt = 0; attempt < 3 && !running_; ++attempt) {
    port_ = free_port();
    std::string start = run + bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 30 -o \"-k " +
                        dir_ + " -p " + std::to_string(port_) +
                        " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                        "-c full_page_writes=off -c max_connections=60\" start >>" +
                        log + " 2>&1";
    running_ = std::system(start.c_str()) == 0;
  }
  if (!running_)
    throw std::runtime_error("PostgreSQL test cluster: the server did not start:\n" + slurp(log) + "\n" +
                             slurp(dir_ + "/server.log"));
}

PgCluster::~PgCluster() {
  if (running_) {
    std::string run = as_postgres_ ? "runuser -u postgres -- " : "";
    std::string stop = run + bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1";
    if (std::system(stop.c_str()) != 0) {
      // Nothing more to do at exit; the directory is removed below either way.
    }
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgCluster::url(const std::string& db, const std::string& user) const {
  return "postgresql://" + user + "@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string PgCluster::fresh_database() {
  std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++next_db_);
  exec(url("postgres"), "CREATE DATABASE " + name);
  return url(name);
}

void PgCluster::exec(const std::string& db_url, const std::string& sql) const {
  pqxx::connection c(db_url);
  pqxx::nontransaction tx(c);
  tx.exec("SET client_min_messages TO warning");
  tx.exec(sql);
}

PgCluster& pg_cluster() {
  static std::unique_ptr<PgCluster> cluster = std::make_unique<PgCluster>();
  return *cluster;
}

std::string pg_db_name(const std::string& url) { return url.substr(url.rfind('/') + 1); }

}  // namespace riskreg::test

#include "context.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "core/error.h"
#include "register/rules_bundle.h"
#include "store/open.h"

namespace riskreg::cli {

namespace {
const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}
}  // namespace

Context::Context(std::ostream& o, std::ostream& e) : out(o), err(e) {
  if (const char* now = env("RISKREG_NOW")) {
    auto t = parse_timestamp(now);
    if (!t)
      throw Error(ErrorKind::Usage,
                  std::string("RISKREG_NOW='") + now + "' is not a time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    clock_ = std::make_unique<FixedClock>(*t);
  } else {
    clock_ = std::make_unique<SystemClock>();
  }
}

std::string Context::db_path() const {
  if (!options.db.empty()) return options.db;
  if (const char* v = env("RISKREG_DB")) return v;
  if (const char* x = env("XDG_DATA_HOME")) return std::string(x) + "/riskreg/register.db";
  if (const char* h = env("HOME")) return std::string(h) + "/.local/share/riskreg/register.db";
  return "riskreg.db";
}

Store& Context::store() {
  if (!store_) store_ = open_store(db_path(), StoreMode::Open);
  return *store_;
}

const Matrix& Context::matrix() {
  if (!matrix_) matrix_ = matrix_from(store().rules());
  return *matrix_;
}

std::string Context::os_user() const {
  if (struct passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  if (const char* u = env("USER")) return u;
  return "uid-" + std::to_string(::geteuid());
}

bool Context::colour() const { return colour_depth() != ColourDepth::None; }

ColourDepth Context::colour_depth() const {
  return colour_depth_from_env(&out == &std::cout && ::isatty(STDOUT_FILENO));
}

size_t Context::width() const {
  return terminal_width_from_env(&out == &std::cout && ::isatty(STDOUT_FILENO), STDOUT_FILENO);
}

std::string Context::default_data_dir() const {
  if (const char* h = env("RISKREG_HOME")) return std::string(h) + "/data/darlington-2009";
  return std::string(RISKREG_SOURCE_DIR) + "/data/darlington-2009";
}

std::string Context::default_rules_dir() const {
  if (const char* h = env("RISKREG_HOME")) return std::string(h) + "/rules";
  return std::string(RISKREG_SOURCE_DIR) + "/rules";
}

}  // namespace riskreg::cli

#include "core/module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "core/error.h"

namespace fs = std::filesystem;

namespace riskreg {

namespace {

/// The directory modules are read from: RISKREG_MODULE_DIR; else the executable's own when
/// the module is there (a build tree); else PREFIX/lib/riskreg for PREFIX/bin/riskreg.
fs::path module_dir(const std::string& file) {
  if (const char* dir = std::getenv("RISKREG_MODULE_DIR"); dir && *dir) return dir;
  const fs::path exe = executable_dir();
  std::error_code ec;
  if (fs::exists(exe / file, ec)) return exe;
  return exe.parent_path() / "lib" / "riskreg";
}

}  // namespace

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path(ec) : exe.parent_path();
}

fs::path data_home(const char* riskreg_home) {
  if (riskreg_home && *riskreg_home) return riskreg_home;
  return (executable_dir().parent_path() / "share" / "riskreg").lexically_normal();
}

void* module_entry(const std::string& name, const char* symbol, const std::string& purpose) {
  const std::string base = "riskreg-" + name + ".so";
  const fs::path file = module_dir(base) / base;
  // dlopen counts references: a second call returns the same handle, so nothing is cached here.
  // RTLD_LOCAL: the module's own copy of the engine stays private to it.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    throw Error(
        ErrorKind::Internal,
        "cannot load " + file.string() + " (" + purpose + "): " + (why ? why : "unknown reason") +
            "; it is built and installed with riskreg (PREFIX/lib/riskreg, or beside the executable in a build tree)");
  }
  void* entry = dlsym(handle, symbol);
  if (!entry) throw Error(ErrorKind::Internal, file.string() + " is not a riskreg module (no " + symbol + ")");
  return entry;
}

}  // namespace riskreg

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

/// The directory modules are read from: RISKREG_MODULE_DIR, else the executable's own.
fs::path module_dir() {
  if (const char* dir = std::getenv("RISKREG_MODULE_DIR"); dir && *dir) return dir;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path(".") : exe.parent_path();
}

}  // namespace

void* module_entry(const std::string& name, const char* symbol, const std::string& purpose) {
  const fs::path file = module_dir() / ("riskreg-" + name + ".so");
  // dlopen counts references: a second call returns the same handle, so nothing is cached here.
  // RTLD_LOCAL: the module's own copy of the engine stays private to it.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    throw Error(ErrorKind::Internal, "cannot load " + file.string() + " (" + purpose +
                                         "): " + (why ? why : "unknown reason") +
                                         "; it is built with riskreg and must stay beside the executable");
  }
  void* entry = dlsym(handle, symbol);
  if (!entry) throw Error(ErrorKind::Internal, file.string() + " is not a riskreg module (no " + symbol + ")");
  return entry;
}

}  // namespace riskreg

#pragma once
/// Optional parts of the engine built as loadable modules, so that a command loads only the
/// libraries it uses. The PostgreSQL store (libpqxx, libpq and their Kerberos, LDAP and TLS
/// libraries), alert delivery (libcurl) and the XLSX export (libxlsxwriter) are each a module:
/// `riskreg-postgres.so`, `riskreg-net.so`, `riskreg-xlsx.so`, installed beside the `riskreg`
/// executable. Loading all of them took two thirds of the start-up of every command before
/// (docs/benchmarks.md, "Start-up").
///
/// Each module defines one C function, `riskreg_<name>_module`, returning a table of entry
/// points (store/postgres.h, alert/net_module.h, io/xlsx_module.h), which the engine declares
/// weak: a program that links the module's code itself (the test executables) calls it
/// directly; the CLI, which does not, opens the module file the first time a command needs it.
#include <filesystem>
#include <string>

namespace riskreg {

/// The directory the running executable lives in (from /proc/self/exe).
std::filesystem::path executable_dir();

/// Where riskreg's read-only data lives (`rules/` with its templates, `data/darlington-2009/`):
/// `riskreg_home` when given (the caller passes RISKREG_HOME), else `../share/riskreg` beside the
/// executable's directory. An installed riskreg finds `PREFIX/share/riskreg` from `PREFIX/bin`;
/// a build tree has `BUILD/share/riskreg` (links to the sources, made by CMake) beside
/// `BUILD/cli`. Never a path compiled in: a package works wherever it is unpacked.
std::filesystem::path data_home(const char* riskreg_home);

/// The entry point `symbol` of module `name` ("postgres") in riskreg-NAME.so: in
/// RISKREG_MODULE_DIR if set, else beside the executable (a build tree), else in
/// `../lib/riskreg` from the executable's directory (an installed riskreg). Throws Error(Internal) naming the file,
/// what the module is for (`purpose`) and the loader's reason.
void* module_entry(const std::string& name, const char* symbol, const std::string& purpose);

/// The table of a module: from `linked` (the weak entry point, null unless the program links
/// the module's code), else from the module file.
template <typename Table>
const Table& module_table(const Table* (*linked)(), const std::string& name, const char* symbol,
                          const std::string& purpose) {
  using Entry = const Table* (*)();
  Entry entry = linked ? linked : reinterpret_cast<Entry>(module_entry(name, symbol, purpose));
  return *entry();
}

}  // namespace riskreg

#pragma once
/// libpqxx's errors as riskreg's typed ones, for every PgStore call (store/pg_store.cc,
/// store/pg_changes.cc): one mapping, so a lost connection, a lock timeout or a refusal by
/// the database reads and exits alike whichever write met it.
#include <string>

#include <pqxx/pqxx>

#include "core/error.h"

namespace riskreg::pg {

/// A field as text; SQL NULL as the empty string.
inline std::string str(const pqxx::field& f) { return f.is_null() ? std::string() : std::string(f.c_str(), f.size()); }

/// Runs `f`, turning libpqxx's errors into typed ones.
template <typename F>
auto guarded(const std::string& where, pqxx::connection* conn, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const pqxx::broken_connection& e) {
    throw Error(ErrorKind::Environment, where + ": lost the connection to the PostgreSQL server (" +
                                            std::string(e.what()).substr(0, std::string(e.what()).find('\n')) + ")");
  } catch (const pqxx::sql_error& e) {
    // libpqxx 6.4 leaves sqlstate() empty for parameterised statements; its exception
    // classes carry the state instead.
    std::string msg = e.what();
    msg = msg.substr(0, msg.find('\n'));
    const std::string& state = e.sqlstate();
    if (dynamic_cast<const pqxx::serialization_failure*>(&e) || dynamic_cast<const pqxx::deadlock_detected*>(&e) ||
        state == "55P03")
      throw Error(ErrorKind::Busy, where + ": the register stayed locked by another writer; try again (" + msg + ")");
    if (dynamic_cast<const pqxx::insufficient_privilege*>(&e) || state == "42501")
      throw Error(ErrorKind::Conflict, where + ": refused by the database for user '" +
                                           std::string(conn ? conn->username() : "?") + "': " + msg);
    if (dynamic_cast<const pqxx::undefined_table*>(&e) || dynamic_cast<const pqxx::undefined_column*>(&e))
      throw Error(ErrorKind::Schema, where + ": not a riskreg register, or damaged (" + msg + ")");
    throw Error(ErrorKind::Internal, where + ": " + msg);
  } catch (const pqxx::failure& e) {
    throw Error(ErrorKind::Internal, where + ": " + std::string(e.what()));
  }
}

}  // namespace riskreg::pg

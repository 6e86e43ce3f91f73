#pragma once
/// The PostgreSQL store as a module (core/module.h): its code and libpqxx live in
/// riskreg-postgres.so, loaded only by the commands that open a postgresql:// register.
/// Everything outside store/pg_*.cc reaches PostgreSQL through this table.
#include <memory>
#include <string>
#include <vector>

#include "store/open.h"
#include "store/pg_copy.h"
#include "store/store.h"

namespace riskreg {

struct PostgresModule {
  /// A PgStore (store/pg_store.h) on `url`.
  std::unique_ptr<Store> (*open)(const std::string& url, StoreMode mode);
  /// `init`: creates the register (with `replace`, replaces an existing one) in one
  /// transaction; the counts after.
  RegisterCounts (*create)(const std::string& url, const RegisterData& data, const std::vector<RulesFile>& rules,
                           const std::string& by, Timestamp at, const std::string& reason, bool replace);
  /// `generate`: the register and the re-scores after it, in one transaction, by COPY.
  RegisterCounts (*create_with_history)(const std::string& url, const RegisterData& data,
                                        const std::vector<RulesFile>& rules, const std::string& by, Timestamp at,
                                        const std::string& reason, const std::vector<NewAssessment>& rescores,
                                        bool replace);
  /// `migrate` (store/pg_copy.h).
  CopyReport (*copy_from_sqlite)(const std::string& sqlite_path, const std::string& url);
  /// `migrate` from PostgreSQL into a new SQLite file (store/pg_copy.h).
  CopyReport (*copy_to_sqlite)(const std::string& url, const std::string& sqlite_path);
  /// `migrate --roles` (store/pg_copy.h).
  void (*apply_roles)(const std::string& url);
};

/// The module's table, loading riskreg-postgres.so the first time (Error(Internal) if it cannot).
const PostgresModule& postgres();

}  // namespace riskreg

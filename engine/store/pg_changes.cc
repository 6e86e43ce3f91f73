// PgStore's lifecycle: the SQL behind store/changes.h. (In progress: the SQLite store has it.)
#include "core/error.h"
#include "store/pg_store.h"

namespace riskreg {

namespace {
[[noreturn]] void not_yet() {
  throw Error(ErrorKind::InvalidInput, "the lifecycle commands are not available on PostgreSQL yet");
}
}  // namespace

AppliedChange PgStore::apply_change(const ChangeRequest&) { not_yet(); }
ChangeRow PgStore::add_risk(const NewRisk&) { not_yet(); }
std::vector<ChangeRow> PgStore::changes(const std::string&) { return {}; }
void PgStore::for_each_change(const std::function<void(const ChangeRow&)>&) {}
int64_t PgStore::risk_version(const std::string&) { not_yet(); }

}  // namespace riskreg

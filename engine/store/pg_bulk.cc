#include "store/pg_bulk.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <spdlog/spdlog.h>

#include "audit/chain.h"
#include "store/store.h"

// libpqxx 6.4's stream_to takes fixed tuples only; tablewriter, which it deprecates, is the
// one class of that version that writes a row with any number of columns (write_raw_line).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

namespace riskreg {

CopyField::CopyField(int64_t v) : null_(false) {
  auto r = std::to_chars(buf_, buf_ + sizeof buf_, v);
  len_ = static_cast<size_t>(r.ptr - buf_);
}

CopyField::CopyField(std::optional<int> v) : null_(!v) {
  if (!v) return;
  auto r = std::to_chars(buf_, buf_ + sizeof buf_, *v);
  len_ = static_cast<size_t>(r.ptr - buf_);
}

CopyField::CopyField(std::optional<double> v) : null_(!v) {
  if (!v) return;
  auto r = std::to_chars(buf_, buf_ + sizeof buf_, *v);
  len_ = static_cast<size_t>(r.ptr - buf_);
}

CopyIn::CopyIn(pqxx::dbtransaction& tx, const std::string& table, const std::vector<std::string>& columns)
    : w_(std::make_unique<pqxx::tablewriter>(tx, table, columns.begin(), columns.end())) {}

CopyIn::~CopyIn() = default;

void CopyIn::add(const CopyField& f) {
  if (f.null()) {
    line_ += "\\N";
    return;
  }
  // COPY's text format: backslash escapes for the separator, line ends and backslash itself.
  for (char c : f.text()) {
    switch (c) {
      case '\\':
        line_ += "\\\\";
        break;
      case '\t':
        line_ += "\\t";
        break;
      case '\n':
        line_ += "\\n";
        break;
      case '\r':
        line_ += "\\r";
        break;
      default:
        line_ += c;
    }
  }
}

void CopyIn::row(std::initializer_list<CopyField> fields) { row(fields.begin(), fields.end()); }

void CopyIn::row(const std::vector<CopyField>& fields) { row(fields.data(), fields.data() + fields.size()); }

void CopyIn::row(const CopyField* begin, const CopyField* end) {
  line_.clear();
  for (const CopyField* f = begin; f != end; ++f) {
    if (f != begin) line_ += '\t';
    add(*f);
  }
  w_->write_raw_line(line_);
  ++rows_;
}

void CopyIn::complete() { w_->complete(); }

}  // namespace riskreg

namespace riskreg {

void pg_analyze(pqxx::connection_base& c) {
  auto t0 = std::chrono::steady_clock::now();
  pqxx::nontransaction nt(c);
  nt.exec("SET client_min_messages = error; ANALYZE; SET client_min_messages = warning");
  spdlog::debug("postgresql: ANALYZE after a bulk write took {:.1f} ms",
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
}

std::vector<int64_t> pg_next_ids(pqxx::dbtransaction& tx, const std::string& table, const std::string& column,
                                 int64_t n) {
  std::vector<int64_t> ids;
  if (n <= 0) return ids;
  ids.reserve(static_cast<size_t>(n));
  for (const auto& r :
       tx.exec_params("SELECT nextval(pg_get_serial_sequence($1, $2)) FROM generate_series(1, $3)", table, column, n))
    ids.push_back(r[0].as<int64_t>());
  std::sort(ids.begin(), ids.end());
  return ids;
}

AuditCopy::AuditCopy(pqxx::dbtransaction& tx) : prev_hash_(kGenesisHash) {
  tx.exec("SELECT id FROM audit_head WHERE id = 1 FOR UPDATE");
  auto last = tx.exec("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (!last.empty()) {
    seq_ = last[0][0].as<int64_t>() + 1;
    prev_hash_ = last[0][1].c_str();
  }
  copy_ = std::make_unique<CopyIn>(
      tx, "audit", std::vector<std::string>{"seq", "at", "actor", "action", "entity", "detail", "prev_hash", "hash"});
}

void AuditCopy::add(const std::string& at, const std::string& actor, const std::string& action,
                    const std::string& entity, const std::string& detail) {
  AuditEntry e;
  e.seq = seq_;
  e.at = at;
  e.actor = actor;
  e.action = action;
  e.entity = entity;
  e.detail = detail;
  e.prev_hash = prev_hash_;
  e.hash = audit_hash(prev_hash_, e);
  copy_->row({e.seq, e.at, e.actor, e.action, e.entity, e.detail, e.prev_hash, e.hash});
  ++seq_;
  prev_hash_ = std::move(e.hash);
}

}  // namespace riskreg

#pragma GCC diagnostic pop

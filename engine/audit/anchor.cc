#include "audit/anchor.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fs = std::filesystem;

namespace riskreg {

namespace {

using nlohmann::json;

/// `text` as a chain hash (lower case), or none.
std::optional<std::string> as_hash(const std::string& text) {
  if (text.size() != 64) return std::nullopt;
  std::string out = text;
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return out;
}

/// A value quoted for a one-line message: at most 80 bytes, controls shown as `\xNN`.
std::string shown(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < 80; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > 80) out += "…";
  return "'" + out + "'";
}

/// The bytes of `path`, at most `limit` of them from its end when it is longer (`whole`
/// says which). Error(NotFound) when it cannot be read (missing, a folder, no permission).
std::string read_text(const fs::path& path, size_t limit, bool& whole) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw Error(ErrorKind::NotFound, "cannot read " + path.string() + ": a folder");
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error(ErrorKind::NotFound, "cannot read " + path.string());
  auto size = static_cast<size_t>(in.tellg());
  whole = size <= limit;
  size_t from = whole ? 0 : size - limit;
  in.seekg(static_cast<std::streamoff>(from));
  std::string text(size - from, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in) throw Error(ErrorKind::NotFound, "cannot read " + path.string());
  return text;
}

bool is_anchor(const json& j) { return j.is_object() && j.contains("riskreg_anchor"); }
bool is_manifest(const json& j) {
  return j.is_object() && j.contains("riskreg_version") && j["riskreg_version"].is_string() && j.contains("audit_head");
}

}  // namespace

Anchor anchor_from_hash(const std::string& text) {
  auto h = as_hash(text);
  if (!h)
    throw Error(ErrorKind::Usage, "--head " + shown(text) +
                                      " is not an audit chain hash: 64 hexadecimal digits, as 'audit verify', "
                                      "'audit anchor' and an export's manifest show it");
  return {*h, std::nullopt, "--head"};
}

Anchor read_anchor_file(const std::string& path) {
  bool whole = false;
  std::string text = read_text(path, 1 << 20, whole);
  json j = whole ? json::parse(text, nullptr, false) : json();
  auto bad = [&](const std::string& why) { return Error(ErrorKind::BadFile, path + ": " + why); };
  if (!whole || j.is_discarded() || !is_anchor(j)) {
    if (whole && !j.is_discarded() && (is_manifest(j) || (j.is_object() && j.contains("manifest"))))
      throw bad("an export's manifest, not an anchor; use --manifest " + path);
    throw bad("not a riskreg anchor (a JSON file written by 'riskreg audit anchor --out FILE')");
  }
  const json& v = j["riskreg_anchor"];
  if (!v.is_number_integer() || v.get<int64_t>() < 1) throw bad("not a riskreg anchor (riskreg_anchor is not 1)");
  if (v.get<int64_t>() > kAnchorFormat)
    throw bad("an anchor of format " + v.dump() + ", newer than this riskreg understands (" +
              std::to_string(kAnchorFormat) + "); use a newer riskreg");
  if (!j.contains("hash") || !j["hash"].is_string() || !as_hash(j["hash"].get<std::string>()))
    throw bad("the anchor's \"hash\" is not an audit chain hash (64 hexadecimal digits)");
  if (!j.contains("seq") || !j["seq"].is_number_integer() || j["seq"].get<int64_t>() < 1)
    throw bad("the anchor's \"seq\" is not an entry number (1 or more)");
  return {*as_hash(j["hash"].get<std::string>()), j["seq"].get<int64_t>(), "the anchor " + path};
}

Anchor read_manifest(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec)) p /= "manifest.json";  // a CSV export's folder
  const std::string name = p.string();
  auto bad = [&](const std::string& why) { return Error(ErrorKind::BadFile, name + ": " + why); };
  const std::string what =
      "not a riskreg export manifest (a CSV export's manifest.json or folder, or a JSON export; for an XLSX or "
      "HTML export, give the audit head it shows with --head)";
  bool whole = false;
  // A JSON export can be large: its manifest is its last member, so only its end is read.
  std::string text = read_text(p, 8 << 20, whole);
  json j;
  if (whole) j = json::parse(text, nullptr, false);
  if (!whole || (!j.is_discarded() && j.is_object() && j.contains("manifest"))) {
    if (!whole) {
      auto at = text.rfind("\n\"manifest\": ");
      auto end = text.find_last_of('}');
      if (at == std::string::npos || end == std::string::npos || end <= at) throw bad(what);
      j = json::parse(text.substr(at + 13, end - at - 13), nullptr, false);
    } else {
      j = j["manifest"];
    }
  }
  if (j.is_discarded() || !is_manifest(j)) {
    if (!j.is_discarded() && is_anchor(j))
      throw bad("an anchor written by 'audit anchor', not a manifest; use --anchor " + name);
    throw bad(what);
  }
  const json& h = j["audit_head"];
  if (!h.is_string()) throw bad("the manifest's \"audit_head\" is not an audit chain hash");
  if (h.get<std::string>().empty()) throw bad("the manifest records no audit head (the register's log was empty)");
  auto hash = as_hash(h.get<std::string>());
  if (!hash) throw bad("the manifest's \"audit_head\" is not an audit chain hash (64 hexadecimal digits)");
  Anchor a{*hash, std::nullopt, "the manifest " + name};
  // Manifests record the head's entry number since this riskreg; older ones only its hash.
  if (j.contains("audit_seq") && j["audit_seq"].is_number_integer() && j["audit_seq"].get<int64_t>() > 0)
    a.seq = j["audit_seq"].get<int64_t>();
  return a;
}

std::string anchor_document(const AuditEntry& head, const std::string& register_name, Timestamp now) {
  nlohmann::ordered_json j = {{"riskreg_anchor", kAnchorFormat},
                              {"register", register_name},
                              {"seq", head.seq},
                              {"hash", head.hash},
                              {"at", head.at},
                              {"anchored_at", format_timestamp(now)},
                              {"riskreg_version", RISKREG_VERSION}};
  return j.dump(2) + "\n";
}

AnchorCheck check_anchor(const std::vector<AuditEntry>& log, const Anchor& a) {
  const std::string ends =
      log.empty() ? "the audit log is empty"
                  : "the audit log ends at entry " + std::to_string(log.back().seq) + " (head " + log.back().hash + ")";
  if (!a.seq) {
    for (const auto& e : log)
      if (e.hash == a.hash) return {e.seq, ""};
    return {0, "no entry of the audit log has the hash " + a.hash + " (" + a.source +
                   "): the history it anchors was rewritten or cut; " + ends};
  }
  const int64_t seq = *a.seq;
  const std::string entry = "entry " + std::to_string(seq);
  // Entries are numbered from 1 in log order; a log edited out of order is searched.
  const AuditEntry* found = nullptr;
  if (seq <= static_cast<int64_t>(log.size()) && log[static_cast<size_t>(seq - 1)].seq == seq)
    found = &log[static_cast<size_t>(seq - 1)];
  else
    for (const auto& e : log)
      if (e.seq == seq) found = &e;
  if (!found) {
    int64_t last = log.empty() ? 0 : log.back().seq;
    if (seq > last)
      return {0, ends + ", but " + a.source + " anchors " + entry + " (" + a.hash + "): " +
                     (seq == last + 1 ? entry + " was"
                                      : "entries " + std::to_string(last + 1) + "-" + std::to_string(seq) + " were") +
                     " deleted"};
    return {0, entry + ", which " + a.source + " anchors, is missing from the audit log (deleted)"};
  }
  if (found->hash != a.hash)
    return {0, entry + " has the hash " + found->hash + ", not " + a.hash + " as " + a.source +
                   " records: the history up to " + entry + " was rewritten since it was anchored"};
  return {seq, ""};
}

void write_anchor_file(const std::string& path, const std::string& document, bool force) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec)) && !force)
    throw Error(ErrorKind::Conflict, path + " already exists; use --force to overwrite it");
  if (fs::is_directory(path, ec)) throw Error(ErrorKind::Conflict, path + " is a folder; give a file name");
  const std::string tmp = path + ".riskreg-anchor-tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorKind::Internal, "cannot write " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < document.size()) {
    ssize_t n = ::write(fd, document.data() + done, document.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == document.size() && ::fsync(fd) == 0;
  int err = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    throw Error(ErrorKind::Internal, "cannot write " + path + ": " + std::strerror(err));
  }
}

}  // namespace riskreg

#include "context.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "core/error.h"
#include "core/module.h"
#include "core/text.h"
#include "register/rules_bundle.h"
#include "store/open.h"

namespace riskreg::cli {

namespace {
const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}
}  // namespace

ControlEscapingBuf::~ControlEscapingBuf() {
  while (!pending_.empty()) flush_pending();
  sink_->pubsync();
}

void ControlEscapingBuf::flush_pending() {
  // An unfinished sequence is shown escaped, never written raw.
  std::string p;
  p.swap(pending_);
  for (size_t i = 0; i < p.size(); ++i) {
    if (i == 0 && p[0] == '\x1b') {
      sink_->sputn("\\x1b", 4);
      continue;
    }
    if (i == 0 && static_cast<unsigned char>(p[0]) == 0xC2) {
      sink_->sputc(p[0]);
      continue;
    }
    put(static_cast<unsigned char>(p[i]));
  }
}

void ControlEscapingBuf::put(unsigned char c) {
  if (!pending_.empty()) {
    if (static_cast<unsigned char>(pending_[0]) == 0xC2) {
      pending_.clear();
      if (c >= 0x80 && c <= 0x9F) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        sink_->sputn(buf, 6);
        return;
      }
      sink_->sputc(static_cast<char>(0xC2));
      put(c);
      return;
    }
    // pending_ starts with ESC: riskreg's own colour sequences pass, anything else is escaped.
    if (pending_.size() == 1) {
      if (c == '[') {
        pending_ += static_cast<char>(c);
        return;
      }
    } else if ((c >= '0' && c <= '9') || c == ';') {
      if (pending_.size() < 32) {
        pending_ += static_cast<char>(c);
        return;
      }
    } else if (c == 'm' || (c == 'K' && pending_.size() == 2)) {
      pending_ += static_cast<char>(c);
      sink_->sputn(pending_.data(), static_cast<std::streamsize>(pending_.size()));
      pending_.clear();
      return;
    }
    flush_pending();
    put(c);
    return;
  }
  if (c == 0x1b || c == 0xC2) {
    pending_ += static_cast<char>(c);
    return;
  }
  if ((c < 0x20 && c != '\n' && c != '\t' && !(c == '\r' && allow_cr_)) || c == 0x7f) {
    std::string e = escape_controls(std::string(1, static_cast<char>(c)));
    sink_->sputn(e.data(), static_cast<std::streamsize>(e.size()));
    return;
  }
  sink_->sputc(static_cast<char>(c));
}

ControlEscapingBuf::int_type ControlEscapingBuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  put(static_cast<unsigned char>(traits_type::to_char_type(c)));
  return c;
}

std::streamsize ControlEscapingBuf::xsputn(const char* s, std::streamsize n) {
  // Runs of plain bytes go to the sink whole; only the few bytes that start a control go
  // through put().
  std::streamsize from = 0;
  for (std::streamsize i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool plain = pending_.empty() && (c >= 0x20 || c == '\n' || c == '\t') && c != 0x7f && c != 0xC2;
    if (plain) continue;
    if (i > from) sink_->sputn(s + from, i - from);
    put(c);
    from = i + 1;
  }
  if (n > from) sink_->sputn(s + from, n - from);
  return n;
}

int ControlEscapingBuf::sync() {
  // A sequence cut by a flush stays pending: riskreg writes each of its own whole.
  return sink_->pubsync();
}

Context::Context(std::ostream& o, std::ostream& e)
    : out_buf_(&o == &std::cout && ::isatty(STDOUT_FILENO) ? std::make_unique<ControlEscapingBuf>(o.rdbuf(), false)
                                                           : nullptr),
      err_buf_(std::make_unique<ControlEscapingBuf>(e.rdbuf(), &e == &std::cerr && ::isatty(STDERR_FILENO))),
      out_filtered_(out_buf_ ? std::make_unique<std::ostream>(out_buf_.get()) : nullptr),
      err_filtered_(std::make_unique<std::ostream>(err_buf_.get())),
      out_terminal_(&o == &std::cout && ::isatty(STDOUT_FILENO)),
      out(out_filtered_ ? *out_filtered_ : o),
      err(*err_filtered_) {
  // Everything riskreg creates (exports, alert files, temporary files beside them) starts
  // private to its owner, whatever umask it inherited: registers hold safeguarding data.
  // `export --mode` widens an export deliberately.
  ::umask(077);
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

void Context::check_rules() {
  if (rules_checked_) return;
  validate_rules(store().rules());
  rules_checked_ = true;
}

std::string Context::os_user() const {
  if (struct passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  if (const char* u = env("USER")) return u;
  return "uid-" + std::to_string(::geteuid());
}

std::string Context::actor(const std::optional<std::string>& as) const {
  if (!as) return os_user();
  if (trim(*as).empty()) throw Error(ErrorKind::InvalidInput, "--as: the name cannot be blank");
  require_text("--as: the name", *as, TextLines::Single);
  return *as;
}

bool Context::colour() const { return colour_depth() != ColourDepth::None; }

ColourDepth Context::colour_depth() const { return colour_depth_from_env(out_terminal_); }

size_t Context::width() const { return terminal_width_from_env(out_terminal_, STDOUT_FILENO); }

std::string Context::default_data_dir() const {
  return (data_home(env("RISKREG_HOME")) / "data" / "darlington-2009").string();
}

std::string Context::default_rules_dir() const { return (data_home(env("RISKREG_HOME")) / "rules").string(); }

}  // namespace riskreg::cli

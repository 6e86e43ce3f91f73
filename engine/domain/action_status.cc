#include "domain/action_status.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <optional>

namespace riskreg {

const std::vector<std::string>& action_statuses() {
  static const std::vector<std::string> s = {"not-started", "in-progress", "done", "dropped"};
  return s;
}

bool action_open(std::string_view status) { return status != "done" && status != "dropped"; }

namespace {

/// The month a word names (1-12), by its first three letters ("Sept", "September", "sep").
std::optional<unsigned> month_of(std::string_view word) {
  static const char* names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return std::nullopt;
  std::string w;
  for (char c : word) w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (unsigned i = 0; i < 12; ++i) {
    std::string_view n = names[i];
    if (w.compare(0, 3, n) != 0) continue;
    // The whole word must be a spelling of the month: "Mar", "March", "Sept", "September".
    static const char* full[] = {"january", "february", "march",     "april",   "may",      "june",
                                 "july",    "august",   "september", "october", "november", "december"};
    std::string_view f = full[i];
    if (w.size() <= f.size() && f.compare(0, w.size(), w) == 0) return i + 1;
    if (i == 8 && w == "sept") return 9;
  }
  return std::nullopt;
}

std::optional<int> year_of(std::string_view word) {
  if (word.size() != 2 && word.size() != 4) return std::nullopt;
  int y = 0;
  for (char c : word) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    y = y * 10 + (c - '0');
  }
  return word.size() == 2 ? 2000 + y : y;
}

}  // namespace

std::string due_from_completion(std::string_view completion) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < completion.size()) {
    while (i < completion.size() && !std::isalnum(static_cast<unsigned char>(completion[i]))) ++i;
    // A run of letters or of digits ("April2009" is two words, as a reader takes it).
    size_t start = i;
    bool digits = i < completion.size() && std::isdigit(static_cast<unsigned char>(completion[i]));
    while (i < completion.size() && std::isalnum(static_cast<unsigned char>(completion[i])) &&
           (std::isdigit(static_cast<unsigned char>(completion[i])) != 0) == digits)
      ++i;
    if (i > start) words.push_back(completion.substr(start, i - start));
  }
  std::optional<std::chrono::year_month> latest;
  for (size_t w = 0; w + 1 < words.size(); ++w) {
    // "March 2010", "Sept 09"; and the other way round, "2010 April", when no year follows
    // the month (in "March 2010 Sept 2009" the 2010 is March's, not Sept's).
    auto m = month_of(words[w]);
    auto y = m ? year_of(words[w + 1]) : std::nullopt;
    if (y) {
      ++w;
    } else if (words[w].size() == 4 && year_of(words[w]) && (m = month_of(words[w + 1])) &&
               !(w + 2 < words.size() && year_of(words[w + 2]))) {
      y = year_of(words[w]);
    }
    if (!y) continue;
    std::chrono::year_month ym{std::chrono::year{*y}, std::chrono::month{*m}};
    if (!latest || ym > *latest) latest = ym;
  }
  if (!latest) return "";
  std::chrono::year_month_day last{
      std::chrono::year_month_day_last{latest->year(), std::chrono::month_day_last{latest->month()}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(last.year()), static_cast<unsigned>(last.month()),
                static_cast<unsigned>(last.day()));
  return buf;
}

bool action_overdue(std::string_view status, std::string_view due, std::string_view today) {
  return action_open(status) && !due.empty() && due < today;
}

int count_before(std::string_view dues, std::string_view today) {
  int n = 0;
  size_t i = 0;
  while (i < dues.size()) {
    size_t comma = dues.find(',', i);
    if (comma == std::string_view::npos) comma = dues.size();
    if (comma > i && dues.substr(i, comma - i) < today) ++n;
    i = comma + 1;
  }
  return n;
}

}  // namespace riskreg

#include "core/id_set.h"

#include <cstring>
#include <functional>

namespace riskreg {

std::optional<int> IdSet::insert(std::string_view id, int line) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  const uint64_t hash = std::hash<std::string_view>{}(id);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.at == 0) {
      s = Slot{hash, bytes_.size() + 1};
      const int32_t l = line;
      const uint64_t n = id.size();
      bytes_.append(reinterpret_cast<const char*>(&l), sizeof l);
      bytes_.append(reinterpret_cast<const char*>(&n), sizeof n);
      bytes_.append(id);
      ++size_;
      return std::nullopt;
    }
    if (s.hash != hash) continue;
    const char* e = bytes_.data() + (s.at - 1);
    int32_t l = 0;
    uint64_t n = 0;
    std::memcpy(&l, e, sizeof l);
    std::memcpy(&n, e + sizeof l, sizeof n);
    if (std::string_view(e + sizeof l + sizeof n, n) == id) return l;
  }
}

void IdSet::grow() {
  std::vector<Slot> old(slots_.empty() ? 1024 : slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.at == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].at != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace riskreg

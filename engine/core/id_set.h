#pragma once
/// A set of ids, each with the line it was first seen on, for an import's "appears twice"
/// check over a million rows. The ids go end to end in one buffer, each after its line and
/// length, and the table holds only their hashes and places in it (open addressing, linear
/// probing, at most half full): a row costs no allocation of its own and a look-up one slot,
/// where a node-based map costs an allocation and two or three cache misses a row.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riskreg {

class IdSet {
 public:
  /// Adds `id`, first seen on `line`; if it was already there, adds nothing and gives the
  /// line it was first seen on.
  std::optional<int> insert(std::string_view id, int line);
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint64_t at = 0;  ///< one past where the entry starts in bytes_; 0: the slot is empty
  };
  void grow();

  std::string bytes_;        ///< per id: its line (int32), its length (uint64), its bytes
  std::vector<Slot> slots_;  ///< a power of two in size
  size_t size_ = 0;
};

}  // namespace riskreg

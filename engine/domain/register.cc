#include "domain/register.h"

namespace riskreg {

const Risk* RegisterData::find_risk(const std::string& id) const {
  for (const auto& r : risks)
    if (r.id == id) return &r;
  return nullptr;
}

const Priority* RegisterData::find_priority(const std::string& id) const {
  for (const auto& p : priorities)
    if (p.id == id) return &p;
  return nullptr;
}

}  // namespace riskreg

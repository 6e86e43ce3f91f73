#pragma once
/// Creating a register from a data folder and a rules folder.
#include <string>

#include "core/clock.h"
#include "store/store.h"

namespace riskreg {

struct CreateRequest {
  std::string db_path;  ///< a path, `sqlite:PATH`, or a `postgresql://` URL
  std::string data_dir;
  std::string rules_dir;
  bool force = false;  ///< replace an existing register
  std::string by;
};

struct CreateResult {
  RegisterCounts counts;
  std::string matrix_name;
};

/// Validates the rules and data whole, then builds the register in a temporary file
/// beside `db_path` and renames it into place, so a failure leaves any existing
/// register exactly as it was. Refuses to replace an existing register unless `force`.
/// A `postgresql://` `db_path` is filled (or, with `force`, replaced) in one server-side
/// transaction instead.
CreateResult create_register(const CreateRequest& req, const Clock& clock);

}  // namespace riskreg

#include "register/create.h"

#include <filesystem>

#include "core/error.h"
#include "data/register_loader.h"
#include "register/rules_bundle.h"
#include "store/create.h"

namespace fs = std::filesystem;

namespace riskreg {

CreateResult create_register(const CreateRequest& req, const Clock& clock) {
  auto rules = read_rules_dir(req.rules_dir);
  // Every rules file and template is checked before anything is written: a register whose
  // stored rules a later command refuses would be unusable for reads.
  validate_rules(rules);
  validate_templates(req.rules_dir);
  Matrix matrix = matrix_from(rules);
  RegisterData data = load_register_dir(req.data_dir, matrix);
  std::string reason = "Initial score from the data folder " + fs::path(req.data_dir).filename().string();
  CreateResult result;
  result.counts =
      create_store(req.db_path, {std::move(data), std::move(rules), req.by, clock.now(), reason, {}}, req.force);
  result.matrix_name = matrix.name;
  return result;
}

}  // namespace riskreg

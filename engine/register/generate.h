#pragma once
/// Synthetic registers for scale tests and benchmarks: bodies, risks spread over the
/// matrix, owners, priorities, actions with officers and dates, PIs, feed links with a
/// heavy-tailed degree distribution (including cycles) and a history of re-scores.
/// Deterministic for a seed: the same seed, size and clock give the same register.
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/matrix.h"
#include "store/store.h"

namespace riskreg {

struct GenerateRequest {
  std::string db_path;    ///< an SQLite path (or sqlite:PATH) or a postgresql:// URL
  std::string rules_dir;  ///< the matrix and rules the register is scored with
  int64_t risks = 9;
  uint64_t seed = 1;
  int bodies = 0;  ///< 0: one body per 1,000 risks (at least 1, at most 1,000)
  bool force = false;
  std::string by;
};

struct GenerateResult {
  RegisterCounts counts;
  int64_t rescores = 0;
  std::string matrix_name;
};

/// A synthetic register in memory: what `create` writes, then the re-scores to append.
struct SyntheticRegister {
  RegisterData data;
  std::vector<NewAssessment> rescores;  ///< in time order, all after `created`
};

/// Builds the register in memory. Scores use `m`'s level codes; `created` is the date of
/// the initial assessments, and every re-score falls between it and `created` + 730 days.
SyntheticRegister synthesize(const Matrix& m, int64_t risks, uint64_t seed, int bodies, Timestamp created,
                             const std::string& by);

/// Writes a synthetic register like `init` does. SQLite (`db_path` a path or `sqlite:PATH`):
/// into a temporary file beside it, renamed into place when whole. PostgreSQL (a
/// `postgresql://` URL): in one transaction, the bulk tables by COPY; the same register
/// for the same seed. Refuses to replace an existing register unless `force`.
/// The register was created two years before `clock.now()`.
GenerateResult generate_register(const GenerateRequest& req, const Clock& clock);

}  // namespace riskreg

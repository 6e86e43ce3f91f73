#pragma once
/// `riskreg export`: the register (each risk with its current and target score, band,
/// appetite, owner and controls), its full assessment history, and a manifest (riskreg
/// version, the rules files' SHA-256, row counts, the audit chain head), streamed risk by
/// risk from the store.
#include <cstdint>
#include <string>

#include "domain/matrix.h"
#include "store/store.h"

namespace riskreg {

enum class ExportFormat {
  Csv,   ///< a folder: risks.csv, assessments.csv, manifest.json
  Json,  ///< one file: {"risks": [...], "assessments": [...], "manifest": {...}}
};

struct ExportSummary {
  int64_t risks = 0;
  int64_t assessments = 0;
  std::string audit_head;  ///< "" for an empty log
};

/// Writes the export at `out_path`. An existing path is refused with Error(Conflict)
/// unless `force`. Everything is written beside it first and renamed into place, so a
/// failed export never leaves a half-written one (nor destroys the old one).
ExportSummary export_register(Store& store, const Matrix& matrix, ExportFormat format, const std::string& out_path,
                              bool force);

}  // namespace riskreg

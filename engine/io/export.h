#pragma once
/// `riskreg export`: the register (each risk with all its fields, current and target score,
/// band, appetite, owner, links to priorities, actions and the risks it feeds), its
/// assessment history, the feed links, and a manifest (riskreg version, the rules files'
/// SHA-256, the as-of time, row counts, the audit chain head), streamed risk by risk from
/// the store. With an as-of time, the register as it stood then, rebuilt from the history.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/progress.h"
#include "domain/matrix.h"
#include "store/store.h"

namespace riskreg {

enum class ExportFormat {
  Csv,   ///< a folder: risks.csv, assessments.csv, feeds.csv, owner_history.csv, field_history.csv, manifest.json
  Json,  ///< one file: {"risks", "assessments", "feeds", "owner_history", "field_history", "manifest"}
  Xlsx,  ///< one workbook: Risks, Assessments, Feeds, Heat map, Manifest, Owner history, Field history
  Html,  ///< one self-contained page: manifest, heat map, register table with trends, feed graph
};

/// The columns of risks.csv, in order; `riskreg import` reads the same names.
/// List fields (vulnerability is one text; triggers, consequences, controls, notes,
/// priorities, actions, feeds_to are lists) hold one item per line.
const std::vector<std::string>& export_risk_columns();

struct ExportSummary {
  int64_t risks = 0;
  int64_t assessments = 0;
  int64_t feeds = 0;
  int64_t owner_history = 0;  ///< owner changes exported (by the as-of time)
  int64_t field_history = 0;  ///< field changes and notes exported (by the as-of time)
  std::string audit_head;     ///< "" for an empty log
  int64_t audit_seq = 0;      ///< the head's entry number; 0 for an empty log
};

/// Writes the export at `out_path`. An existing path is refused with Error(Conflict)
/// unless `force`; even then only a file or a folder an earlier CSV export wrote (its four
/// files and nothing else) is replaced, never another folder. The export is created
/// readable and writable by its owner only, whatever the umask; `mode` (parse_export_mode)
/// widens it deliberately (a CSV folder gets search permission wherever it gives read). Everything is written beside it
/// first and renamed into place, so a failed export never leaves a half-written one (nor destroys the old one).
///
/// `as_of` (ISO 8601 UTC, `YYYY-MM-DDTHH:MM:SSZ`): each risk's score, previous score and
/// owner as they stood then, and only the assessments made by then; risks not yet
/// assessed then are left out. Titles, texts, lists, targets, statuses, review dates and
/// links are as they stood then, rebuilt from the changes table; the owner and field
/// histories stop at that time.
///
/// `now` is when the risks' flags are evaluated (the system clock's when not given; the
/// as-of time with `as_of`). `progress`, when given, hears every row written.
ExportSummary export_register(Store& store, const Matrix& matrix, ExportFormat format, const std::string& out_path,
                              bool force, const std::optional<std::string>& as_of = std::nullopt,
                              std::optional<Timestamp> now = std::nullopt, Progress* progress = nullptr,
                              unsigned mode = 0600);

/// `--mode`: octal (`0640`, `644`) that keeps the owner's read and write and has no execute or
/// special bits. Throws Error(Usage) naming the valid forms.
unsigned parse_export_mode(const std::string& text);

}  // namespace riskreg

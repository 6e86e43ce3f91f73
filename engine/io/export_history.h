#pragma once
/// Internal to the exporters (engine/io/export*.cc): the register's history beside its state.
/// The owner history (every owner change) and the field history (every lifecycle change and
/// note, and each field an import changed) in the same columns in every format, up to the
/// as-of time; and the fields as they stood at that time, rebuilt from the changes table.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/matrix.h"
#include "store/store.h"

namespace riskreg::exporting {

/// owner_history.csv's columns, the "Owner history" sheet's, the JSON's "owner_history" keys.
const std::vector<std::string>& owner_history_columns();
/// field_history.csv's columns (date, who, risk, field, from, to, reason, kind), the "Field
/// history" sheet's, the JSON's "field_history" keys.
const std::vector<std::string>& field_history_columns();

/// Every owner change made by `as_of` (all without one), in id order, as its row's cells.
void for_each_owner_row(Store& store, const std::optional<std::string>& as_of,
                        const std::function<void(const OwnerChange&, const std::vector<std::string>&)>& visit);

/// Every change made by `as_of` (all without one), in id order, as its row's cells: a list
/// one item a line, a target in the matrix's notation, a feed "stated, probability 0.3", an
/// added risk's `to` its title (field "risk"), a note's `to` its text (field "note").
void for_each_field_row(Store& store, const Matrix& m, const std::optional<std::string>& as_of,
                        const std::function<void(const ChangeRow&, const std::vector<std::string>&)>& visit);

/// What the changes made after an as-of time undo: for each risk changed since, each field's
/// value then (the `from` of its first change after the time). Fields no change touched since
/// hold then what they hold now.
class FieldsThen {
 public:
  /// Reads the changes made after `as_of` (one pass over the changes table, in id order) and,
  /// when a link to a priority changed since, the plan's priorities and actions.
  FieldsThen(Store& store, const std::string& as_of);
  /// Sets `e`'s title, texts, lists, target, priorities (with their actions) and feeds to what
  /// they were at the as-of time. (Status and review dates the store already reads as of then.)
  void apply(ExportRisk& e);

 private:
  std::unordered_map<std::string, std::map<std::string, std::string>> then_;  ///< risk -> field -> value
  std::vector<std::string> plan_order_;                                       ///< priority ids in the plan's order
  std::unordered_map<std::string, std::vector<std::string>> acts_;            ///< priority -> its actions
};

}  // namespace riskreg::exporting

// Fuzz target: the CSV reader behind `riskreg import` (engine/io/csv_reader.h): every record
// of the input read (each field's line and column counted as it goes), with the line
// lookups its error messages use.
#include "core/error.h"
#include "fuzz_common.h"
#include "io/csv_reader.h"

using namespace riskreg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = fuzz::text_of(data, size);
  try {
    CsvReader reader(text, "fuzz.csv");
    CsvRecord r;
    while (reader.next(r)) {
      for (size_t i = 0; i < r.fields.size(); ++i) (void)reader.line_text(r.lines.at(i));
      (void)csv_unneutralise(r.fields.empty() ? std::string() : r.fields[0]);
    }
  } catch (const Error&) {
  }
  return 0;
}

// Fuzz target: the register data loader (docs/data-format.md). The loader reads a folder, so
// the target keeps a copy of data/darlington-2009/ in a temporary folder; the input's first
// byte picks which of its files to replace, and the rest is that file's text.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/register_loader.h"
#include "fuzz_common.h"

using namespace riskreg;
namespace fs = std::filesystem;

namespace {
const char* const kFiles[] = {"register.toml", "risks.toml", "feeds.toml", "objectives.toml", "priorities.toml"};

struct Folder {
  std::string dir;
  Folder() {
    std::string tmpl = (fs::temp_directory_path() / "riskreg-fuzz-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) std::abort();
    dir = tmpl;
    fs::copy(std::string(RISKREG_SOURCE_DIR) + "/data/darlington-2009", dir, fs::copy_options::recursive);
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Folder folder;
  static std::vector<std::string> originals = [] {
    std::vector<std::string> v;
    for (auto f : kFiles) {
      std::ifstream in(folder.dir + "/" + f, std::ios::binary);
      v.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return v;
  }();
  if (size == 0) return 0;
  size_t which = data[0] % std::size(kFiles);
  std::string path = folder.dir + "/" + kFiles[which];
  write(path, fuzz::text_of(data + 1, size - 1));
  try {
    (void)load_register_dir(folder.dir, fuzz::darlington());
  } catch (const Error&) {
  }
  write(path, originals[which]);
  return 0;
}

#include "harness/table_loader.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "harness/errors.hpp"

namespace ccb {

std::vector<std::filesystem::path> json_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  if (ec) throw UsageError(fmt::format("{}: cannot list directory: {}", dir.string(), ec.message()));
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace ccb

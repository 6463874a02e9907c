#pragma once
// Files are replaced atomically: content goes to a temporary file in the same directory, is
// flushed to disk, then renamed over the target. A reader never sees a half-written file.
#include <filesystem>
#include <string_view>

namespace ccb {

// Throws UsageError naming the path when the directory is missing or not writable.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);
// Proves that `path` can be written (creates and removes a temporary file beside it) without
// touching an existing file there. Throws UsageError otherwise.
void check_writable(const std::filesystem::path& path);

}  // namespace ccb

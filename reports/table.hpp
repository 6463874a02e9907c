#pragma once
// Terminal output: the live progress line (stderr) and the summary table (stdout).
#include <cstdio>
#include <string>
#include <vector>

#include "harness/result.hpp"

namespace ccb {

// True when colour may be used on `stream`: a terminal, and NO_COLOR not set.
bool use_color(std::FILE* stream);

class Progress {
 public:
  // Quiet prints nothing. On a terminal one line is rewritten in place; otherwise each
  // finished case is one plain line.
  Progress(std::size_t total, bool quiet);
  void start(std::size_t index, const std::string& name);
  void done(std::size_t index, const Result& r);

 private:
  std::size_t total_;
  bool quiet_, tty_, color_;
};

// The summary table: case, status, median rate, best rate, CV, and the reason when not passed.
std::string summary_table(const std::vector<Result>& results, bool color);

}  // namespace ccb

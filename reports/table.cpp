#include "reports/table.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

namespace ccb {
namespace {

const char* status_color(Status s) {
  switch (s) {
    case Status::passed: return "\033[32m";
    case Status::failed:
    case Status::error:
    case Status::mistrusted: return "\033[31m";
    case Status::skipped:
    case Status::unsupported: return "\033[33m";
  }
  return "";
}

std::string status_text(Status s, bool color, std::size_t width) {
  const std::string text = fmt::format("{:<{}}", to_string(s), width);
  return color ? fmt::format("{}{}\033[0m", status_color(s), text) : text;
}

std::string figure(double v) {
  if (v >= 100) return fmt::format("{:.1f}", v);
  if (v >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3g}", v);
}

}  // namespace

bool use_color(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(fileno(stream)) && !(no_color && *no_color);
}

Progress::Progress(std::size_t total, bool quiet)
    : total_(total), quiet_(quiet), tty_(isatty(fileno(stderr))), color_(use_color(stderr)) {}

void Progress::start(std::size_t index, const std::string& name) {
  if (quiet_ || !tty_) return;
  fmt::print(stderr, "\r\033[K[{}/{}] running {}", index + 1, total_, name);
  std::fflush(stderr);
}

void Progress::done(std::size_t index, const Result& r) {
  if (quiet_) return;
  std::string figure_text;
  if (auto rate = r.rate(); rate && r.status == Status::passed)
    figure_text = fmt::format("  {} {}", figure(rate->median), rate->unit);
  else if (!r.reason.empty())
    figure_text = "  " + r.reason;
  fmt::print(stderr, "{}[{}/{}] {} {}{}\n", tty_ ? "\r\033[K" : "", index + 1, total_,
             status_text(r.status, color_, 0), r.name(), figure_text);
  std::fflush(stderr);
}

std::string summary_table(const std::vector<Result>& results, bool color) {
  struct Row {
    std::string name, median, best, unit, cv, note;
    Status status;
  };
  std::vector<Row> rows;
  for (const auto& r : results) {
    Row row{r.name(), "-", "-", "", "-", r.reason, r.status};
    if (auto rate = r.rate()) {
      row.median = figure(rate->median);
      row.best = figure(rate->best);
      row.unit = rate->unit;
    }
    if (r.stats) row.cv = fmt::format("{:.1f}%", 100.0 * r.stats->cv);
    if (row.note.size() > 60) row.note = row.note.substr(0, 57) + "...";
    rows.push_back(row);
  }
  std::size_t wn = 4, wm = 6, wb = 4, wu = 4, wc = 3;
  for (const auto& r : rows) {
    wn = std::max(wn, r.name.size());
    wm = std::max(wm, r.median.size());
    wb = std::max(wb, r.best.size());
    wu = std::max(wu, r.unit.size());
    wc = std::max(wc, r.cv.size());
  }
  constexpr std::size_t ws = 11;
  std::string out = fmt::format("{:<{}}  {:<{}}  {:>{}}  {:>{}}  {:<{}}  {:>{}}  {}\n", "case", wn,
                                "status", ws, "median", wm, "best", wb, "unit", wu, "cv", wc, "note");
  out += std::string(wn + ws + wm + wb + wu + wc + 16, '-') + "\n";
  for (const auto& r : rows)
    out += fmt::format("{:<{}}  {}  {:>{}}  {:>{}}  {:<{}}  {:>{}}  {}\n", r.name, wn,
                       status_text(r.status, color, ws), r.median, wm, r.best, wb, r.unit, wu,
                       r.cv, wc, r.note);
  std::size_t counts[6] = {};
  for (const auto& r : results) ++counts[static_cast<int>(r.status)];
  std::string summary;
  for (int s = 0; s < 6; ++s)
    if (counts[s]) summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", counts[s], to_string(static_cast<Status>(s)));
  out += fmt::format("{} cases: {}\n", results.size(), summary);
  return out;
}

}  // namespace ccb

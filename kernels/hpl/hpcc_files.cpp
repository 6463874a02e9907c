#include "kernels/hpl/hpcc_files.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

namespace ccb {
namespace {

std::vector<std::string_view> tokens(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<std::int64_t> whole(std::string_view token) {
  const auto x = parse_number(token);
  if (!x || *x != std::floor(*x) || *x < 0 || *x > 9.0e15) return std::nullopt;
  return static_cast<std::int64_t>(*x);
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "W" then the variant's letters and digits (WR11C2R4, WC00R2R2 ...), then six numbers.
std::optional<HplRunLine> result_line(std::string_view line) {
  const auto t = tokens(line);
  if (t.size() != 7 || t[0].size() < 2 || t[0][0] != 'W') return std::nullopt;
  for (char c : t[0])
    if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
  const auto n = whole(t[1]), nb = whole(t[2]), p = whole(t[3]), q = whole(t[4]);
  const auto seconds = parse_number(t[5]), gflops = parse_number(t[6]);
  if (!n || !nb || !p || !q || !seconds || !gflops) return std::nullopt;
  return HplRunLine{std::string(t[0]), *n, *nb, static_cast<int>(*p), static_cast<int>(*q), *seconds, *gflops, {}, {}};
}

}  // namespace

std::optional<double> parse_number(std::string_view token) {
  double x = 0;
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, x);
  if (ec != std::errc() || ptr != end || !std::isfinite(x)) return std::nullopt;
  return x;
}

std::string hpccinf_text(const HpccInput& in) {
  std::string ns;
  for (auto n : in.ns) ns += fmt::format("{} ", n);
  std::string out = "HPLinpack benchmark input file\nInnovative Computing Laboratory, University of Tennessee\n";
  out += "HPL.out      output file name (if any)\n8            device out (6=stdout,7=stderr,file)\n";
  out += fmt::format("{}            # of problems sizes (N)\n{}        Ns\n", in.ns.size(), ns);
  out += fmt::format("1            # of NBs\n{}          NBs\n", in.nb);
  out += "0            PMAP process mapping (0=Row-,1=Column-major)\n1            # of process grids (P x Q)\n";
  out += fmt::format("{}            Ps\n{}            Qs\n", in.p, in.q);
  out += "16.0         threshold\n"
         "1            # of panel fact\n2            PFACTs (0=left, 1=Crout, 2=Right)\n"
         "1            # of recursive stopping criterium\n4            NBMINs (>= 1)\n"
         "1            # of panels in recursion\n2            NDIVs\n"
         "1            # of recursive panel fact.\n1            RFACTs (0=left, 1=Crout, 2=Right)\n"
         "1            # of broadcast\n1            BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)\n"
         "1            # of lookahead depth\n1            DEPTHs (>=0)\n"
         "2            SWAP (0=bin-exch,1=long,2=mix)\n64           swapping threshold\n"
         "0            L1 in (0=transposed,1=no-transposed) form\n0            U  in (0=transposed,1=no-transposed) form\n"
         "1            Equilibration (0=no,1=yes)\n8            memory alignment in double (> 0)\n"
         "##### This line (no. 32) is ignored (it serves as a separator). ######\n"
         "0                      \t\tNumber of additional problem sizes for PTRANS\n"
         "1200 10000 30000        \tvalues of N\n"
         "0                       \tnumber of additional blocking sizes for PTRANS\n"
         "40 9 8 13 13 20 16 32 64       \tvalues of NB\n";
  return out;
}

std::optional<double> HpccOutput::number(const std::string& key) const {
  const auto it = summary.find(key);
  return it == summary.end() ? std::nullopt : parse_number(it->second);
}

HpccOutput parse_hpcc_output(std::string_view text) {
  HpccOutput out;
  bool in_summary = false, in_hpl = false;  // HPL's lines only count in its own section (PTRANS prints alike)
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "Begin of Summary section.") {
      in_summary = true;
      continue;
    }
    if (line == "End of Summary section.") {
      out.summary_complete = in_summary;
      in_summary = false;
      continue;
    }
    if (line == "Begin of HPL section.") {
      in_hpl = true;
      continue;
    }
    if (line == "End of HPL section.") {
      out.hpl_section_complete = in_hpl;
      in_hpl = false;
      continue;
    }
    if (in_summary) {
      if (const auto eq = line.find('='); eq != std::string_view::npos && eq > 0)
        out.summary[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
      continue;
    }
    if (!in_hpl) continue;
    const auto t = tokens(line);
    if (auto run = result_line(line)) {
      out.runs.push_back(std::move(*run));
    } else if (starts_with(line, "||Ax-b||_oo/(eps*") && line.find(")=") != std::string_view::npos) {
      // ||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N)=   0.0035100 ...... PASSED
      const auto rest = tokens(line.substr(line.find(")=") + 2));
      if (!out.runs.empty() && !out.runs.back().residual && rest.size() == 3) {
        out.runs.back().residual = parse_number(rest[0]);
        out.runs.back().residual_verdict = std::string(rest[2]);
      }
    } else if (starts_with(line, "- Computational tests pass if scaled residuals are less than") && !t.empty()) {
      out.threshold = parse_number(t.back());
    } else if (t.size() >= 3 && t[0] == "Finished" && t[2] == "tests") {
      out.finished = whole(t[1]);
    } else if (t.size() >= 2 && t[1] == "tests" && line.find("completed and passed residual checks") != std::string_view::npos) {
      out.passed = whole(t[0]);
    } else if (t.size() >= 2 && t[1] == "tests" && line.find("completed and failed residual checks") != std::string_view::npos) {
      out.failed = whole(t[0]);
    } else if (t.size() >= 2 && t[1] == "tests" && line.find("skipped because of illegal input values") != std::string_view::npos) {
      out.skipped = whole(t[0]);
    }
  }
  return out;
}

HplView::HplView(const HpccOutput& out, int runs, int p, int q, bool mpirun_ok) {
  for (const auto& r : out.runs) {
    residual_.push_back(r.residual.value_or(-1));
    run_.insert(run_.end(), {double(r.n), double(r.nb), double(r.p), double(r.q)});
  }
  auto count = [](const std::optional<std::int64_t>& c) { return c ? static_cast<double>(*c) : -1.0; };
  counts_ = {out.threshold.value_or(-1), mpirun_ok ? out.number("Success").value_or(-1) : 0, count(out.finished),
             count(out.passed), count(out.failed)};
  asked_ = {double(runs), double(p), double(q)};
}

HostView HplView::view() const {
  return HostView{{{"residual", Elem::f64, residual_.data(), residual_.size()},
                   {"run", Elem::f64, run_.data(), run_.size()},
                   {"counts", Elem::f64, counts_.data(), counts_.size()},
                   {"asked", Elem::f64, asked_.data(), asked_.size()}},
                  std::nullopt};
}

}  // namespace ccb

#include "harness/suite.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/errors.hpp"
#include "harness/json_input.hpp"

namespace ccb {
namespace {

std::string gb(double bytes) { return fmt::format("{:.2f} GB", bytes * 1e-9); }

void add_gemm_cases(const ijson& c, const Where& w, const std::vector<std::string>& backends,
                    const std::vector<DType>& dtypes, std::vector<Case>& out) {
  reject_unknown_keys(c, w, {"kernel", "backend", "dtype", "m", "n", "k", "trans"});
  GemmProblem g;
  g.m = positive_int(required(c, "m", w), w["m"], kMaxDim);
  g.n = positive_int(required(c, "n", w), w["n"], kMaxDim);
  g.k = positive_int(required(c, "k", w), w["k"], kMaxDim);
  if (c.contains("trans")) {
    const auto& t = c.at("trans");
    static const std::set<std::string> kTrans{"nn", "nt", "tn", "tt"};
    if (!t.is_string() || !kTrans.count(t.get<std::string>()))
      w["trans"].fail(fmt::format("expected one of nn, nt, tn, tt, got {}", t.dump()));
    g.trans_a = t.get<std::string>()[0] == 't';
    g.trans_b = t.get<std::string>()[1] == 't';
  }
  for (const auto& b : backends)
    for (DType d : dtypes) {
      GemmProblem p = g;
      p.dtype = d;
      out.push_back(Case{b, p, {}});
    }
}

// Interconnect cases: "pattern" (ring, random, pairs, allreduce; default all) and "bytes" per
// message (a multiple of 8, or a list; default 8 and 1 MiB: latency and bandwidth).
void add_net_cases(const ijson& c, const Where& w, const std::vector<std::string>& backends,
                   const std::vector<DType>& dtypes, std::vector<Case>& out) {
  reject_unknown_keys(c, w, {"kernel", "backend", "dtype", "pattern", "bytes"});
  std::vector<NetPattern> patterns{NetPattern::ring, NetPattern::random, NetPattern::pairs, NetPattern::allreduce};
  if (c.contains("pattern")) {
    patterns.clear();
    for (const auto& name : strings(c["pattern"], w["pattern"])) {
      const auto p = parse_net_pattern(name);
      if (!p) w["pattern"].fail(fmt::format("unknown pattern \"{}\" (expected ring, random, pairs or allreduce)", name));
      patterns.push_back(*p);
    }
  }
  std::vector<std::int64_t> sizes{8, 1 << 20};
  if (c.contains("bytes")) {
    sizes.clear();
    const ijson list = c["bytes"].is_array() ? c["bytes"] : ijson::array({c["bytes"]});
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Where wb = c["bytes"].is_array() ? w["bytes"][i] : w["bytes"];
      const std::int64_t b = positive_int(list[i], wb, std::int64_t{1} << 40);
      if (b % 8 != 0) wb.fail(fmt::format("expected a multiple of 8 (whole fp64 values), got {}", b));
      sizes.push_back(b);
    }
  }
  for (DType d : dtypes)
    for (const auto& b : backends)
      for (NetPattern p : patterns)
        for (std::int64_t bytes : sizes) out.push_back(Case{b, NetProblem{p, bytes, d}, {}});
}

// HPL through hpcc: "n" (an order, or a fraction of this node's memory such as "80%": N =
// floor(sqrt(f * memory / 8) / NB) * NB), "nb" (default 192), "p" and "q" (default: as square
// as possible), "processes" (default: one per core), "timeout" (seconds for all repetitions).
void add_hpl_cases(const ijson& c, const Where& w, const std::vector<std::string>& backends,
                   const std::vector<DType>& dtypes, const SuiteContext& ctx, std::vector<Case>& out) {
  reject_unknown_keys(c, w, {"kernel", "backend", "dtype", "n", "nb", "p", "q", "processes", "timeout"});
  HplProblem h;
  if (c.contains("nb")) h.nb = positive_int(c["nb"], w["nb"], 4096);
  const auto& n = required(c, "n", w);
  if (n.is_string()) {
    const std::string text = n.get<std::string>();
    double pct = 0;
    std::size_t used = 0;
    try {
      pct = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || text.substr(used) != "%" || !(pct > 0 && pct <= 95))
      w["n"].fail(fmt::format("expected an order or a share of memory between 0% and 95% such as \"80%\", got \"{}\"", text));
    if (ctx.memory_bytes == 0) w["n"].fail("a share of memory needs the memory size, which this machine does not report");
    h.memory_fraction = pct / 100;
    h.n = HplProblem::n_for_memory(h.memory_fraction, static_cast<double>(ctx.memory_bytes), h.nb);
    if (h.n < h.nb) w["n"].fail(fmt::format("{} of {} gives no whole block of NB = {}", text, gb(static_cast<double>(ctx.memory_bytes)), h.nb));
  } else {
    h.n = positive_int(n, w["n"], kMaxDim);
  }
  if (c.contains("p") != c.contains("q")) w[c.contains("p") ? "q" : "p"].fail("expected both p and q, or neither");
  if (c.contains("p")) {
    h.p = static_cast<int>(positive_int(c["p"], w["p"], 1 << 20));
    h.q = static_cast<int>(positive_int(c["q"], w["q"], 1 << 20));
  }
  if (c.contains("processes")) h.processes = static_cast<int>(positive_int(c["processes"], w["processes"], 1 << 20));
  if (h.p > 0 && h.processes > 0 && h.p * h.q != h.processes)
    w["p"].fail(fmt::format("a {}x{} grid is not {} processes", h.p, h.q, h.processes));
  if (c.contains("timeout")) {
    const auto& t = c["timeout"];
    if (!t.is_number() || !(t.get<double>() >= 1 && t.get<double>() <= 7 * 86400))
      w["timeout"].fail(fmt::format("expected seconds between 1 and 604800, got {}", t.dump()));
    h.timeout_s = t.get<double>();
  }
  for (DType d : dtypes)
    for (const auto& b : backends) {
      HplProblem p = h;
      p.dtype = d;
      out.push_back(Case{b, p, {}});
    }
}

void add_stream_cases(const ijson& c, const Where& w, const std::vector<std::string>& backends,
                      const std::vector<DType>& dtypes, const SuiteContext& ctx,
                      std::vector<Case>& out) {
  reject_unknown_keys(c, w, {"kernel", "backend", "dtype", "op", "elements"});
  std::vector<StreamOp> ops;
  const bool default_ops = !c.contains("op");
  if (!default_ops) {
    for (const auto& name : strings(c.at("op"), w["op"])) {
      const auto op = parse_stream_op(name);
      if (!op) w["op"].fail(fmt::format("unknown STREAM op \"{}\" (expected one of: {})", name, stream_op_names()));
      ops.push_back(*op);
    }
  }
  const ijson elements = c.value("elements", ijson("auto"));
  const bool automatic = elements.is_string() && elements.get<std::string>() == "auto";
  if (elements.is_string() && !automatic)
    w["elements"].fail(fmt::format("expected a positive integer or \"auto\", got {}", elements.dump()));
  for (DType d : dtypes) {
    std::vector<std::string> notes;
    const std::int64_t n = automatic ? auto_stream_elements(d, ctx, notes) : positive_int(elements, w["elements"], INT64_MAX / 64);
    for (const auto& b : backends) {
      // An accelerator's arrays live in its own memory: "auto" does not follow the host's cache,
      // and the CPU's non-temporal variants are not in its default ops.
      const bool accelerator = ctx.registry->find(b)->is_accelerator();
      std::vector<std::string> case_notes = notes;
      std::int64_t count = n;
      if (accelerator && automatic) {
        count = static_cast<std::int64_t>(kAcceleratorStreamArrayBytes / size_of(d));
        case_notes = {fmt::format("accelerator arrays of {} each: at least 4x the L2 cache of current GPUs",
                                  gb(static_cast<double>(kAcceleratorStreamArrayBytes)))};
      }
      std::vector<StreamOp> case_ops = ops;
      if (default_ops) {
        case_ops = {StreamOp::copy, StreamOp::scale, StreamOp::add, StreamOp::triad, StreamOp::dot};
        if (!accelerator) case_ops.insert(case_ops.end(), {StreamOp::copy_nt, StreamOp::triad_nt});
      }
      for (StreamOp op : case_ops) out.push_back(Case{b, StreamProblem{op, count, d}, case_notes});
    }
  }
}

void add_conv_cases(const ijson& c, const Where& w, const std::vector<std::string>& backends,
                    const std::vector<DType>& dtypes, std::vector<Case>& out) {
  reject_unknown_keys(c, w, {"kernel", "backend", "dtype", "desc", "layout"});
  std::vector<Layout> layouts{Layout::nchw};
  if (c.contains("layout")) {
    layouts.clear();
    for (const auto& l : strings(c.at("layout"), w["layout"])) {
      if (l != "nchw" && l != "nhwc") w["layout"].fail(fmt::format("expected nchw or nhwc, got \"{}\"", l));
      layouts.push_back(l == "nchw" ? Layout::nchw : Layout::nhwc);
    }
  }
  for (const auto& d : strings(required(c, "desc", w), w["desc"])) {
    ConvProblem shape;
    try {
      shape = parse_conv_descriptor(d);
    } catch (const std::invalid_argument& e) {
      w["desc"].fail(fmt::format("malformed convolution descriptor \"{}\": {}", d, e.what()));
    }
    for (const auto& b : backends)
      for (DType dt : dtypes)
        for (Layout l : layouts) {
          ConvProblem p = shape;
          p.dtype = dt;
          p.layout = l;
          out.push_back(Case{b, p, {}});
        }
  }
}

void add_peak_cases(const ijson& c, const Where& w, const std::vector<std::string>& backends,
                    const std::vector<DType>& dtypes, const Registry& registry, std::vector<Case>& out) {
  reject_unknown_keys(c, w, {"kernel", "backend", "dtype"});
  for (const auto& b : backends) {
    const bool accelerator = registry.find(b)->is_accelerator();
    for (DType d : dtypes) out.push_back(Case{b, accelerator ? PeakProblem::on_gpu(d) : PeakProblem{d}, {}});
  }
}

}  // namespace

std::int64_t auto_stream_elements(DType dtype, const SuiteContext& ctx,
                                  std::vector<std::string>& notes) {
  const double es = static_cast<double>(size_of(dtype));
  constexpr double kFallbackArrayBytes = 256e6;
  double array_bytes = 4.0 * static_cast<double>(ctx.llc_bytes);
  if (ctx.llc_bytes == 0) {
    array_bytes = kFallbackArrayBytes;
    notes.push_back(fmt::format("last-level cache size unknown: arrays of {} each", gb(array_bytes)));
  } else {
    notes.push_back(fmt::format("arrays sized to 4x the last-level cache ({} in all): {} each",
                                gb(static_cast<double>(ctx.llc_bytes)), gb(array_bytes)));
  }
  const double cap = 0.5 * static_cast<double>(ctx.memory_bytes) / StreamProblem::kArrays;
  if (ctx.memory_bytes > 0 && array_bytes > cap) {
    notes.push_back(fmt::format(
        "capped by free memory: arrays of {} each ({} available), less than 4x the last-level "
        "cache; figures may include cache effects",
        gb(cap), gb(static_cast<double>(ctx.memory_bytes))));
    array_bytes = cap;
  }
  // Round to a whole number of 4 KiB pages.
  const auto per_page = static_cast<std::int64_t>(4096 / es);
  const auto n = static_cast<std::int64_t>(array_bytes / es);
  return std::max<std::int64_t>(per_page, n / per_page * per_page);
}

namespace {

// One entry of "cases": a kernel over one or more backends and dtypes, appended to `out`.
void add_cases(const ijson& c, const Where& w, const SuiteContext& ctx, std::vector<Case>& out) {
  if (!c.is_object()) w.fail("expected an object");
  const auto& kernel_v = required(c, "kernel", w);
  if (!kernel_v.is_string()) w["kernel"].fail("expected a string");
  const auto kernel = kernel_v.get<std::string>();

  std::vector<std::string> backends = strings(required(c, "backend", w), w["backend"]);
  for (const auto& b : backends)
    if (!ctx.registry->find(b))
      w["backend"].fail(fmt::format("unknown backend \"{}\" (this build has: {})", b, ctx.registry->names()));
  std::vector<DType> dtypes;
  for (const auto& d : strings(required(c, "dtype", w), w["dtype"])) {
    const auto t = parse_dtype(d);
    if (!t) w["dtype"].fail(fmt::format("unknown dtype \"{}\" (expected one of: {})", d, dtype_names()));
    dtypes.push_back(*t);
  }
  if (kernel == "gemm")
    add_gemm_cases(c, w, backends, dtypes, out);
  else if (kernel == "stream")
    add_stream_cases(c, w, backends, dtypes, ctx, out);
  else if (kernel == "peak")
    add_peak_cases(c, w, backends, dtypes, *ctx.registry, out);
  else if (kernel == "conv")
    add_conv_cases(c, w, backends, dtypes, out);
  else if (kernel == "net")
    add_net_cases(c, w, backends, dtypes, out);
  else if (kernel == "hpl")
    add_hpl_cases(c, w, backends, dtypes, ctx, out);
  else
    w["kernel"].fail(fmt::format("unknown kernel \"{}\" (expected one of: {})", kernel, kernel_names()));
}

Suite suite_from_json(const ijson& root, const std::string& source, const SuiteContext& ctx) {
  const Where top{source, ""};
  if (!root.is_object()) throw UsageError(fmt::format("{}: expected a JSON object at the top level", source));
  reject_unknown_keys(root, top, {"name", "description", "repetitions", "min_time", "cases"});

  Suite s;
  s.source = source;
  s.name = std::filesystem::path(source).stem().string();
  if (root.contains("name")) {
    if (!root["name"].is_string()) top["name"].fail("expected a string");
    s.name = root["name"].get<std::string>();
  }
  if (root.contains("description")) {
    if (!root["description"].is_string()) top["description"].fail("expected a string");
    s.description = root["description"].get<std::string>();
  }
  if (root.contains("repetitions"))
    s.repetitions = static_cast<int>(positive_int(root["repetitions"], top["repetitions"], 100000));
  if (root.contains("min_time")) {
    const auto& v = root["min_time"];
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 3600)
      top["min_time"].fail(fmt::format("expected seconds between 0 and 3600, got {}", v.dump()));
    s.min_time = v.get<double>();
  }

  const auto& cases = required(root, "cases", top);
  if (!cases.is_array() || cases.empty()) top["cases"].fail("expected a non-empty array of cases");
  for (std::size_t i = 0; i < cases.size(); ++i) add_cases(cases[i], top["cases"][i], ctx, s.cases);

  // The peak kernels calibrate the clocks that efficiency figures of later cases use.
  std::stable_partition(s.cases.begin(), s.cases.end(),
                        [](const Case& c) { return std::holds_alternative<PeakProblem>(c.problem); });

  // Refuse before allocating anything: each case runs alone, so each must fit on its own.
  for (const auto& c : s.cases) {
    const double need = footprint_bytes(c.problem);
    if (ctx.memory_bytes > 0 && need > 0.9 * static_cast<double>(ctx.memory_bytes))
      throw UsageError(fmt::format("{}: case {} needs {} of memory for its buffers, {} available",
                                   source, problem_id(c.problem), gb(need),
                                   gb(static_cast<double>(ctx.memory_bytes))));
  }
  return s;
}

}  // namespace

std::filesystem::path config_dir() {
  if (const char* env = std::getenv("CCBENCH_CONFIG_DIR"); env && *env) return env;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "ccbench" / "configs";
    if (std::filesystem::is_directory(installed / "suites", ec)) return installed;
  }
  return CCBENCH_SOURCE_CONFIG_DIR;
}

std::vector<std::string> suite_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(config_dir() / "suites", ec))
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

Suite load_suite(const std::string& name_or_file, const SuiteContext& ctx) {
  std::filesystem::path path = name_or_file;
  const bool looks_like_path = name_or_file.find('/') != std::string::npos ||
                               path.extension() == ".json" ||
                               std::filesystem::exists(path);
  if (!looks_like_path) {
    path = config_dir() / "suites" / (name_or_file + ".json");
    if (!std::filesystem::exists(path)) {
      std::string list;
      for (const auto& n : suite_names()) list += (list.empty() ? "" : ", ") + n;
      throw UsageError(fmt::format("unknown suite \"{}\" (known suites: {}; or give a path to a suite file)",
                                   name_or_file, list.empty() ? "none found" : list));
    }
  }
  return suite_from_json(read_json_file(path, "suite file"), path.string(), ctx);
}

Suite parse_suite(const std::string& text, const std::string& source, const SuiteContext& ctx) {
  return suite_from_json(parse_json_text(text, source), source, ctx);
}

void filter_cases(Suite& suite, const std::vector<std::string>& backends,
                  const std::vector<std::string>& kernels, const Registry& registry) {
  for (const auto& b : backends)
    if (!registry.find(b))
      throw UsageError(fmt::format("--backend: unknown backend \"{}\" (this build has: {})", b, registry.names()));
  for (const auto& k : kernels) {
    const auto slash = k.find('/');
    const std::string family = k.substr(0, slash);
    const bool ok = ((family == "gemm" || family == "peak" || family == "conv" || family == "net" || family == "hpl") &&
                     slash == std::string::npos) ||
                    (family == "stream" && (slash == std::string::npos ||
                                            parse_stream_op(k.substr(slash + 1))));
    if (!ok)
      throw UsageError(fmt::format("--kernel: unknown kernel \"{}\" (expected one of: {}, or stream/OP with OP in: {})",
                                   k, kernel_names(), stream_op_names()));
  }
  auto keep = [&](const Case& c) {
    const bool backend_ok =
        backends.empty() || std::find(backends.begin(), backends.end(), c.backend) != backends.end();
    std::string family{kernel_name(c.problem)};
    std::string full = family;
    if (const auto* sp = std::get_if<StreamProblem>(&c.problem)) full += "/" + std::string(to_string(sp->op));
    const bool kernel_ok = kernels.empty() ||
                           std::find(kernels.begin(), kernels.end(), family) != kernels.end() ||
                           std::find(kernels.begin(), kernels.end(), full) != kernels.end();
    return backend_ok && kernel_ok;
  };
  std::erase_if(suite.cases, [&](const Case& c) { return !keep(c); });
  if (suite.cases.empty())
    throw UsageError(fmt::format("{}: no case matches the --backend/--kernel selection", suite.source));
}

void expand_devices(Suite& suite, const Registry& registry, std::optional<int> device) {
  std::vector<Case> out;
  bool any_accelerator = false;
  for (const auto& c : suite.cases) {
    Backend* b = registry.find(c.backend);
    const auto count = b ? b->device_count() : std::nullopt;
    if (!count) {
      out.push_back(c);
      continue;
    }
    any_accelerator = true;
    if (device) {
      if (*device >= *count) {
        const auto av = b->availability();
        throw UsageError(fmt::format("--device {}: the {} backend has {} on this machine{}", *device, c.backend,
                                     *count == 0 ? std::string("no device")
                                                 : fmt::format("{} device{} (0 to {})", *count, *count == 1 ? "" : "s", *count - 1),
                                     av.ok ? "" : " (" + av.reason + ")"));
      }
      Case d = c;
      d.device = *device;
      out.push_back(std::move(d));
      continue;
    }
    // All devices in turn; with none the case still yields a (skipped) result.
    for (int i = 0; i < std::max(*count, 1); ++i) {
      Case d = c;
      d.device = i;
      out.push_back(std::move(d));
    }
  }
  if (device && !any_accelerator)
    throw UsageError(fmt::format("--device {}: no case of {} runs on an accelerator backend", *device, suite.source));
  suite.cases = std::move(out);
}

}  // namespace ccb

// ccbench list: every kernel x backend x dtype of this build and whether it can run here.
#include <array>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "kernels/backend.hpp"

namespace ccb::cli {
namespace {

int list() {
  Registry registry;
  register_builtin_backends(registry);
  std::vector<std::array<std::string, 5>> rows{{"backend", "kernel", "dtype", "available", "reason"}};
  for (const auto& b : registry.all()) {
    for (const auto& k : b->kernels())
      for (const auto& d : {DType::fp64, DType::fp32, DType::tf32, DType::fp16, DType::bf16, DType::fp8_e4m3,
                            DType::int8}) {
        const auto sup = b->supports(k, d);
        rows.push_back({b->name(), k, std::string(to_string(d)), sup.ok ? "yes" : "no", sup.reason});
      }
  }
  std::array<std::size_t, 4> w{};
  for (const auto& r : rows)
    for (std::size_t i = 0; i < 4; ++i) w[i] = std::max(w[i], r[i].size());
  for (const auto& r : rows)
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", r[0], w[0], r[1], w[1], r[2], w[2], r[3], w[3], r[4]);
  return 0;
}

}  // namespace

void add_list_command(CLI::App& app, Commands& commands) {
  auto* cmd = app.add_subcommand("list", "List every kernel x backend x dtype of this build and whether it can run here");
  commands.push_back({cmd, [](const auto&) { return list(); }});
}

}  // namespace ccb::cli

// ccbench sysinfo: the system section of the result JSON.
#include <fmt/format.h>

#include "cli/command.hpp"
#include "harness/sysinfo.hpp"

namespace ccb::cli {

void add_sysinfo_command(CLI::App& app, Commands& commands) {
  auto* cmd = app.add_subcommand("sysinfo", "Print the system section of the result JSON");
  commands.push_back({cmd, [](const auto&) {
                        Registry registry;
                        register_builtin_backends(registry);
                        fmt::print("{}\n", probe_system(registry).dump(2));
                        return 0;
                      }});
}

}  // namespace ccb::cli

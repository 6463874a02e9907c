#pragma once
// Probe of the machine a run happens on: the `system` section of the result document.
#include <cstdint>

#include "kernels/backend.hpp"

namespace ccb {

// Hostname, OS/kernel, CPU model, topology (hwloc), ISA flags, caches, memory, thread
// settings, compiler and library versions, each registered backend's device_info(), and the
// scalar clock measured now (a VM's nominal clock can be far below what the cores run at).
json probe_system(const Registry& registry);

// Sum of the last-level caches of all packages, in bytes (0 when hwloc finds none).
std::uint64_t last_level_cache_bytes();
// MemAvailable from /proc/meminfo in bytes (total physical memory when not readable).
std::uint64_t available_memory_bytes();
std::string hostname();

}  // namespace ccb

// The one place that knows whether this build has MPI.
#include <cstdlib>
#include <string>

#include "harness/fleet_comm.hpp"

namespace ccb {

#ifdef CCBENCH_HAVE_MPI
std::unique_ptr<FleetComm> make_mpi_comm();
#endif

bool launched_as_fleet() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"})
    if (const char* v = std::getenv(var); v && std::atoi(v) > 1) return true;
  return false;
}

std::unique_ptr<FleetComm> make_fleet_comm() {
#ifdef CCBENCH_HAVE_MPI
  return make_mpi_comm();
#else
  return nullptr;
#endif
}

}  // namespace ccb

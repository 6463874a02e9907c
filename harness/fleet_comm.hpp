#pragma once
// The ranks of a fleet run (one per node, under mpirun or srun) and how they talk: rank 0
// gathers. Every exchange has a deadline, so a rank that died or hangs is reported as such
// instead of hanging the others.
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ccb {

class FleetComm {
 public:
  virtual ~FleetComm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // The host's name as the MPI library knows it (MPI_Get_processor_name).
  virtual std::string processor_name() const = 0;
  // Every rank gives `mine` (at most kSmallMessage bytes) and gets every rank's, in rank order;
  // nullopt when not all ranks took part within `deadline_s` seconds.
  virtual std::optional<std::vector<std::string>> allgather(const std::string& mine, double deadline_s) = 0;
  // Non-root ranks: sends `payload` to rank 0; false when it was not taken within `deadline_s`.
  virtual bool send_to_root(const std::string& payload, double deadline_s) = 0;
  // Rank 0: starts receiving one payload from each of `ranks` (not 0; each at most once at a time).
  virtual void expect_from(const std::vector<int>& ranks) = 0;
  // Rank 0: the payloads that arrived since the last call, as (rank, payload); never blocks.
  virtual std::vector<std::pair<int, std::string>> poll() = 0;
  // Rank 0: sends `message` to `rank`; false when it was not taken within `deadline_s`.
  virtual bool tell(int rank, const std::string& message, double deadline_s) = 0;
  // Non-root ranks: the next message rank 0 sent with tell(); nullopt when none came within
  // `deadline_s`. It waits patiently (sleeping between tests): rank 0 may be running a job on
  // every node meanwhile.
  virtual std::optional<std::string> hear_from_root(double deadline_s) = 0;
  // Every rank: whether all ranks reached this point within `deadline_s` (MPI_Ibarrier).
  virtual bool barrier(double deadline_s) = 0;
  // Every rank: waits until all ranks reach their next case, so that the nodes run each case at
  // the same time (shared power, cooling and network are part of what a node delivers). On a
  // communicator of its own, so that it never matches another exchange; after one step missed
  // its deadline (a rank died or lags by more than it), false, and the ranks go on unpaced.
  virtual bool lockstep(double deadline_s) = 0;
  // MPI_Finalize. Only after a barrier() that every rank passed: otherwise it would wait for the
  // lost ones.
  virtual void finish() = 0;

  static constexpr std::size_t kSmallMessage = 1024;
};

// Whether this process was started by mpirun/mpiexec or srun as one of several ranks (the
// launchers' environment: OMPI_COMM_WORLD_SIZE, PMI_SIZE or SLURM_STEP_NUM_TASKS above 1).
bool launched_as_fleet();

// Initializes MPI and returns this process's view of the fleet; nullptr when this ccbench was
// built without MPI (CCBENCH_ENABLE_MPI=OFF).
std::unique_ptr<FleetComm> make_fleet_comm();

}  // namespace ccb

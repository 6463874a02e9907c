#pragma once
// Waiting for a non-blocking MPI request with a deadline: MPI has no timeouts of its own, and a
// blocking call would hang every rank when one of them died.
#include <mpi.h>

#include <chrono>
#include <thread>

namespace ccb {

// Waits for `req` until `deadline_s` seconds from now; false when it did not complete in time or
// failed, and then a point-to-point request is cancelled (`cancel`; MPI forbids cancelling a
// collective one).
inline bool wait_until_deadline(MPI_Request& req, double deadline_s, bool cancel = true) {
  const double end = MPI_Wtime() + deadline_s;
  for (int spins = 0;; ++spins) {
    int done = 0;
    if (MPI_Test(&req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return false;
    if (done) return true;
    if (MPI_Wtime() > end) {
      if (cancel) MPI_Cancel(&req);
      return false;
    }
    // Spin first (a fast link answers within microseconds), then yield the core.
    if (spins > 10000) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

}  // namespace ccb

#pragma once
// Waiting for a non-blocking MPI request with a deadline: MPI has no timeouts of its own, and a
// blocking call would hang every rank when one of them died.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace ccb {

// Waits for `req` until `deadline_s` seconds from now; false when it did not complete in time or
// failed, and then a point-to-point request is cancelled (`cancel`; MPI forbids cancelling a
// collective one). It spins first (a fast link answers within microseconds), then sleeps 100 us
// between tests; a `patient` wait (a rank idle for minutes while rank 0 runs HPL over every
// node) doubles the sleep up to 20 ms, so as not to take the cores from the job it waits for.
inline bool wait_until_deadline(MPI_Request& req, double deadline_s, bool cancel = true, bool patient = false) {
  const double end = MPI_Wtime() + deadline_s;
  auto nap = std::chrono::microseconds(100);
  for (int spins = 0;; ++spins) {
    int done = 0;
    if (MPI_Test(&req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return false;
    if (done) return true;
    if (MPI_Wtime() > end) {
      if (cancel) MPI_Cancel(&req);
      return false;
    }
    if (spins > 10000) {
      std::this_thread::sleep_for(nap);
      if (patient) nap = std::min(2 * nap, std::chrono::microseconds(20000));
    }
  }
}

}  // namespace ccb

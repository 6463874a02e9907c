// FleetComm over MPI. Only non-blocking calls, each waited for with a deadline (MPI_Test in a
// loop): MPI has no timeouts of its own, and a blocking collective would hang every rank when
// one of them died. Errors are returned, not fatal (MPI_ERRORS_RETURN), so that rank 0 can keep
// what it has.
#include <mpi.h>

#include <climits>
#include <deque>
#include <cstdint>
#include <cstring>

#include "harness/fleet_comm.hpp"
#include "kernels/common/check.hpp"
#include "kernels/net/mpi_deadline.hpp"

namespace ccb {
namespace {

constexpr int kSizeTag = 7101, kPayloadTag = 7102, kWordSizeTag = 7103, kWordTag = 7104;

class MpiComm final : public FleetComm {
 public:
  MpiComm() {
    int provided = 0;
    CCB_CHECK(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS, "MPI_Init_thread");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    MPI_Comm_dup(MPI_COMM_WORLD, &steps_);
    MPI_Comm_set_errhandler(steps_, MPI_ERRORS_RETURN);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string processor_name() const override {
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int len = 0;
    MPI_Get_processor_name(name, &len);
    return std::string(name, static_cast<std::size_t>(len));
  }

  std::optional<std::vector<std::string>> allgather(const std::string& mine, double deadline_s) override {
    CCB_CHECK(mine.size() < kSmallMessage, "allgather message too long");
    std::vector<char> out(kSmallMessage, '\0'), in(kSmallMessage * static_cast<std::size_t>(size_), '\0');
    std::memcpy(out.data(), mine.data(), mine.size());
    MPI_Request req;
    if (MPI_Iallgather(out.data(), kSmallMessage, MPI_CHAR, in.data(), kSmallMessage, MPI_CHAR, MPI_COMM_WORLD,
                       &req) != MPI_SUCCESS ||
        !wait_until_deadline(req, deadline_s, false)) {
      abandoned_.push_back(std::move(in));  // MPI may still write into it
      return std::nullopt;
    }
    std::vector<std::string> all;
    for (int r = 0; r < size_; ++r) all.emplace_back(in.data() + kSmallMessage * static_cast<std::size_t>(r));
    return all;
  }

  bool send_to_root(const std::string& payload, double deadline_s) override {
    return send(0, payload, kSizeTag, kPayloadTag, deadline_s);
  }

  void expect_from(const std::vector<int>& ranks) override {
    peers_.resize(static_cast<std::size_t>(size_));
    for (int r : ranks) {
      Peer& p = peers_.at(static_cast<std::size_t>(r));
      p = Peer{};
      MPI_Irecv(&p.bytes, 1, MPI_INT64_T, r, kSizeTag, MPI_COMM_WORLD, &p.size_req);
      p.state = Peer::waiting_size;
    }
  }

  std::vector<std::pair<int, std::string>> poll() override {
    std::vector<std::pair<int, std::string>> arrived;
    for (int r = 1; r < static_cast<int>(peers_.size()); ++r) {
      Peer& p = peers_[static_cast<std::size_t>(r)];
      int done = 0;
      if (p.state == Peer::waiting_size && MPI_Test(&p.size_req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && done) {
        p.payload.assign(static_cast<std::size_t>(p.bytes), '\0');
        MPI_Irecv(p.payload.data(), static_cast<int>(p.bytes), MPI_CHAR, r, kPayloadTag, MPI_COMM_WORLD, &p.data_req);
        p.state = Peer::waiting_payload;
        done = 0;
      }
      if (p.state == Peer::waiting_payload && MPI_Test(&p.data_req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && done) {
        arrived.emplace_back(r, std::move(p.payload));
        p.state = Peer::idle;
      }
    }
    return arrived;
  }

  bool tell(int rank, const std::string& message, double deadline_s) override {
    return send(rank, message, kWordSizeTag, kWordTag, deadline_s);
  }

  std::optional<std::string> hear_from_root(double deadline_s) override {
    std::int64_t bytes = 0;
    MPI_Request req;
    if (MPI_Irecv(&bytes, 1, MPI_INT64_T, 0, kWordSizeTag, MPI_COMM_WORLD, &req) != MPI_SUCCESS ||
        !wait_until_deadline(req, deadline_s, true, true))
      return std::nullopt;
    std::string message(static_cast<std::size_t>(bytes), '\0');
    if (MPI_Irecv(message.data(), static_cast<int>(bytes), MPI_CHAR, 0, kWordTag, MPI_COMM_WORLD, &req) != MPI_SUCCESS ||
        !wait_until_deadline(req, deadline_s))
      return std::nullopt;
    return message;
  }

  bool barrier(double deadline_s) override {
    MPI_Request req;
    return MPI_Ibarrier(MPI_COMM_WORLD, &req) == MPI_SUCCESS && wait_until_deadline(req, deadline_s, false);
  }

  bool lockstep(double deadline_s) override {
    if (unpaced_) return false;
    MPI_Request req;
    unpaced_ = MPI_Ibarrier(steps_, &req) != MPI_SUCCESS || !wait_until_deadline(req, deadline_s, false);
    return !unpaced_;
  }

  void finish() override { MPI_Finalize(); }

 private:
  struct Peer {
    enum { idle, waiting_size, waiting_payload } state = idle;
    std::int64_t bytes = 0;
    std::string payload;
    MPI_Request size_req = MPI_REQUEST_NULL, data_req = MPI_REQUEST_NULL;
  };
  // A size, then the payload: each waited for until the deadline. The buffers of every send are
  // kept to the end of the process: a send that timed out may still be read by MPI.
  bool send(int to, const std::string& payload, int size_tag, int payload_tag, double deadline_s) {
    CCB_CHECK(payload.size() < static_cast<std::size_t>(INT_MAX), "message too long for one MPI send");
    auto& sent = sent_.emplace_back(static_cast<std::int64_t>(payload.size()), payload);
    MPI_Request reqs[2];
    if (MPI_Isend(&sent.first, 1, MPI_INT64_T, to, size_tag, MPI_COMM_WORLD, &reqs[0]) != MPI_SUCCESS) return false;
    if (MPI_Isend(sent.second.data(), static_cast<int>(sent.second.size()), MPI_CHAR, to, payload_tag, MPI_COMM_WORLD,
                  &reqs[1]) != MPI_SUCCESS)
      return false;
    const bool ok = wait_until_deadline(reqs[0], deadline_s, false) && wait_until_deadline(reqs[1], deadline_s, false);
    if (ok) sent_.pop_back();
    return ok;
  }

  int rank_ = 0, size_ = 1;
  MPI_Comm steps_ = MPI_COMM_NULL;  // lockstep's: a missed step's barrier is left pending there
  bool unpaced_ = false;
  std::vector<Peer> peers_;
  std::deque<std::pair<std::int64_t, std::string>> sent_;  // sends not known to be complete
  std::vector<std::vector<char>> abandoned_;               // receive buffers of abandoned collectives
};

}  // namespace

std::unique_ptr<FleetComm> make_mpi_comm() { return std::make_unique<MpiComm>(); }

}  // namespace ccb

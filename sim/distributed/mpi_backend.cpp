// The MPI back end of the ensemble runner, and the session that installs it.
//
// Protocol (MPI_COMM_WORLD): a worker rank sends kRequest once, then for each task it receives
// (kTask: the run index, or kStop) sends kResult (index, whether it failed, payload size) and
// the payload in chunks of at most 1 GiB (kResultData): the packed result, or the failure's
// message. Each result doubles as the request for more. Rank 0 answers requests in the order they
// come, so a fast rank takes more runs (dynamic load balancing), and runs runs itself on a
// second thread; only rank 0's main thread calls MPI (MPI_THREAD_FUNNELED).
#include "sim/distributed/mpi_session.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "sim/ensemble.hpp"

#ifdef SALONSIM_HAVE_MPI
// The C API only: OpenMPI's (removed, deprecated) C++ bindings would need their own library.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#endif

namespace salonsim::distributed {

namespace {

long environment_number(const char* name) {
  const char* text = std::getenv(name);
  return text != nullptr ? std::strtol(text, nullptr, 10) : 0;
}

}  // namespace

bool launched_with_several_processes() {
  // OpenMPI's mpirun, then the PMI and PMIx launchers (Slurm's srun, MPICH's hydra).
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS"}) {
    if (std::getenv(name) != nullptr) return environment_number(name) > 1;
  }
  return false;
}

#ifdef SALONSIM_HAVE_MPI

namespace {

enum Tag : int { kRequest = 1, kTask = 2, kResult = 3, kResultData = 4, kShare = 5 };
constexpr std::uint64_t kStop = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t kChunk = std::size_t{1} << 30;

void check(int status, const char* what) {
  if (status != MPI_SUCCESS) throw std::runtime_error(std::string("MPI failed: ") + what);
}

void send_bytes(const std::string& bytes, int destination, int tag) {
  for (std::size_t offset = 0; offset < bytes.size(); offset += kChunk) {
    const std::size_t n = std::min(kChunk, bytes.size() - offset);
    check(MPI_Send(bytes.data() + offset, static_cast<int>(n), MPI_BYTE, destination, tag,
                   MPI_COMM_WORLD),
          "send");
  }
}

void receive_bytes(std::string& bytes, int source, int tag) {
  for (std::size_t offset = 0; offset < bytes.size(); offset += kChunk) {
    const std::size_t n = std::min(kChunk, bytes.size() - offset);
    check(MPI_Recv(bytes.data() + offset, static_cast<int>(n), MPI_BYTE, source, tag,
                   MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "receive");
  }
}

/// kResult's fixed part.
struct ResultHeader {
  std::uint64_t index = 0;
  std::uint64_t failed = 0;
  std::uint64_t bytes = 0;
};

class MpiBackend final : public EnsembleBackend {
 public:
  MpiBackend(int rank, int size, int local) : rank_(rank), size_(size), local_(local) {}

  bool collects() const override { return rank_ == 0; }
  int processes() const override { return size_; }
  int processes_on_this_machine() const override { return local_; }

  bool agree(bool ok) override {
    int value = ok ? 1 : 0;
    check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "allreduce");
    return value == 1;
  }

  void share(std::string& bytes) override {
    std::uint64_t size = bytes.size();
    check(MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "broadcast");
    if (rank_ != 0) bytes.assign(size, '\0');
    for (std::size_t offset = 0; offset < size; offset += kChunk) {
      const std::size_t n = std::min<std::size_t>(kChunk, size - offset);
      check(MPI_Bcast(bytes.data() + offset, static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD),
            "broadcast");
    }
  }

  std::vector<EnsembleFailure> run_all(std::size_t runs, const EnsembleWork& work) override {
    return rank_ == 0 ? coordinate(runs, work) : serve(work);
  }

 private:
  /// A worker rank: asks for runs until told to stop, sending back each result.
  std::vector<EnsembleFailure> serve(const EnsembleWork& work) {
    check(MPI_Send(nullptr, 0, MPI_BYTE, 0, kRequest, MPI_COMM_WORLD), "request");
    for (;;) {
      std::uint64_t k = kStop;
      check(MPI_Recv(&k, 1, MPI_UINT64_T, 0, kTask, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "task");
      if (k == kStop) return {};
      ResultHeader header{k, 0, 0};
      std::string bytes;
      try {
        work.run(k, [&](RunResult& result) { bytes = result.pack(); });
      } catch (const std::exception& e) {
        header.failed = 1;
        bytes = e.what();
      }
      header.bytes = bytes.size();
      check(MPI_Send(&header, 3, MPI_UINT64_T, 0, kResult, MPI_COMM_WORLD), "result");
      send_bytes(bytes, 0, kResultData);
    }
  }

  /// Rank 0: hands out runs as ranks ask, runs some itself, collects every result.
  std::vector<EnsembleFailure> coordinate(std::size_t runs, const EnsembleWork& work) {
    std::mutex mutex;  // guards next, failures and collecting
    std::size_t next = 0;
    std::vector<EnsembleFailure> failures;
    const auto take = [&]() -> std::uint64_t {
      std::lock_guard lock(mutex);
      return next < runs ? next++ : kStop;
    };
    std::thread local([&] {
      for (std::uint64_t k = take(); k != kStop; k = take())
        run_and_collect_here(work, k, mutex, failures);
    });
    std::exception_ptr error;
    try {
      int working = size_ - 1;
      while (working > 0) {
        int arrived = 0;
        MPI_Status status;
        check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status), "probe");
        if (arrived == 0) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          continue;
        }
        const int source = status.MPI_SOURCE;
        if (status.MPI_TAG == kRequest) {
          check(MPI_Recv(nullptr, 0, MPI_BYTE, source, kRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
                "request");
        } else if (status.MPI_TAG == kResult) {
          ResultHeader header;
          check(MPI_Recv(&header, 3, MPI_UINT64_T, source, kResult, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE),
                "result");
          std::string bytes(header.bytes, '\0');
          receive_bytes(bytes, source, kResultData);
          collect_remote(header, bytes, work, mutex, failures);
        } else {
          throw std::runtime_error("MPI: unexpected message tag " + std::to_string(status.MPI_TAG));
        }
        const std::uint64_t k = take();
        check(MPI_Send(&k, 1, MPI_UINT64_T, source, kTask, MPI_COMM_WORLD), "task");
        if (k == kStop) --working;
      }
    } catch (...) {
      error = std::current_exception();
    }
    local.join();
    if (error) std::rethrow_exception(error);
    return failures;
  }

  static void collect_remote(const ResultHeader& header, const std::string& bytes,
                             const EnsembleWork& work, std::mutex& mutex,
                             std::vector<EnsembleFailure>& failures) {
    std::lock_guard lock(mutex);
    if (header.failed != 0) {
      failures.push_back({header.index, bytes});
      return;
    }
    try {
      std::unique_ptr<RunResult> result = work.unpack(bytes);
      work.collect(header.index, *result);
    } catch (const std::exception& e) {
      failures.push_back({header.index, e.what()});
    }
  }

  int rank_, size_, local_;
};

}  // namespace

struct MpiSession::Impl {
  bool active = false;
  int rank = 0, size = 1;
  int saved_stderr = -1;
  std::unique_ptr<MpiBackend> backend;
};

MpiSession::MpiSession(int& argc, char**& argv) : impl_(std::make_unique<Impl>()) {
  if (!launched_with_several_processes()) return;
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "init");
  impl_->active = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &impl_->rank);
  MPI_Comm_size(MPI_COMM_WORLD, &impl_->size);
  MPI_Comm node;
  int local = 1;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
      MPI_SUCCESS) {
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
  }
  impl_->backend = std::make_unique<MpiBackend>(impl_->rank, impl_->size, local);
  set_process_backend(impl_->backend.get());
  // Only rank 0 speaks; the others' output would repeat it. Their stderr is kept for abort().
  if (impl_->rank != 0) {
    std::fflush(stdout);
    std::fflush(stderr);
    impl_->saved_stderr = ::dup(STDERR_FILENO);
    if (std::freopen("/dev/null", "w", stdout) == nullptr ||
        std::freopen("/dev/null", "w", stderr) == nullptr) {
      // Keep speaking rather than fail: duplicated lines are better than none.
    }
  }
}

MpiSession::~MpiSession() {
  if (!impl_->active) return;
  set_process_backend(nullptr);
  MPI_Finalize();
}

bool MpiSession::active() const {
  return impl_->active;
}
int MpiSession::rank() const {
  return impl_->rank;
}
int MpiSession::size() const {
  return impl_->size;
}

void MpiSession::abort(const std::string& message, int code) {
  if (!impl_->active) return;
  const std::string line = "salonsim (rank " + std::to_string(impl_->rank) + "): " + message + "\n";
  const int fd = impl_->saved_stderr >= 0 ? impl_->saved_stderr : STDERR_FILENO;
  if (::write(fd, line.data(), line.size()) < 0) {
    // Nothing more can be done to be heard.
  }
  MPI_Abort(MPI_COMM_WORLD, code);
}

#else  // no MPI in this build

struct MpiSession::Impl {};

MpiSession::MpiSession(int&, char**&) : impl_(std::make_unique<Impl>()) {
  if (launched_with_several_processes()) {
    throw std::runtime_error(
        "started by an MPI launcher with several processes, but this salonsim was built without "
        "MPI: every process would run the whole command and write the same output. Install "
        "libopenmpi-dev and rebuild (scripts/build.sh), or run without mpirun");
  }
}
MpiSession::~MpiSession() = default;
bool MpiSession::active() const {
  return false;
}
int MpiSession::rank() const {
  return 0;
}
int MpiSession::size() const {
  return 1;
}
void MpiSession::abort(const std::string&, int) {}

#endif

}  // namespace salonsim::distributed

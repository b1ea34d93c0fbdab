#pragma once
// MPI for the life of a program started by an MPI launcher (mpirun, srun): initialises MPI,
// installs the MPI back end of the ensemble runner (sim/distributed/mpi_backend.cpp) as the
// process's back end, and finalises. Started any other way, it does nothing, and the program
// runs on threads exactly as it would without MPI.
//
// Every rank runs the same command on the same inputs; rank 0 hands out runs as ranks ask for
// them (dynamic load balancing, rank 0 running runs too), collects every result and alone writes
// the output and speaks to the user. Results do not depend on which rank ran what: each run's
// random streams are keyed by its identity, and results are kept by run index.
#include <memory>
#include <string>

namespace salonsim::distributed {

/// Whether an MPI launcher started this process with more than one process in the job (read
/// from the launcher's environment: OpenMPI, PMI or PMIx).
bool launched_with_several_processes();

class MpiSession {
 public:
  /// Initialises MPI when launched with several processes. Throws std::runtime_error when so
  /// launched but this build has no MPI (every process would write the same output).
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  bool active() const;
  int rank() const;
  int size() const;
  /// Ends the whole job at once (a rank failing outside the ensemble would leave the others
  /// waiting); prints `message` on this rank's stderr first. Returns only when not active.
  void abort(const std::string& message, int code);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace salonsim::distributed

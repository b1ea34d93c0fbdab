#pragma once
// What a finished run writes into the output file, as a value that can cross processes. Within
// one process the writes are done straight from the live simulation; to cross to another (the
// MPI back end), they are done into an in-memory HDF5 file whose image travels and is merged into
// the output there. Either way the datasets that arrive are the same.
#include <boost/serialization/split_member.hpp>
#include <boost/serialization/string.hpp>

#include <functional>
#include <string>
#include <utility>

#include "sim/output/hdf5_writer.hpp"

namespace salonsim {

class RunWrites {
 public:
  using Write = std::function<void(OutputFile& file)>;
  RunWrites() = default;
  /// `write` may refer to the run's simulation: it is called (by write_into, or when packed)
  /// before the simulation is freed.
  explicit RunWrites(Write write) : write_(std::move(write)) {}

  /// Writes into `file`: directly, or from the image this arrived as.
  void write_into(OutputFile& file) const {
    if (write_) {
      write_(file);
    } else if (!image_.empty()) {
      file.merge_image(image_);
    }
  }

  template <class Archive>
  void save(Archive& archive, unsigned /*version*/) const {
    std::string image;
    if (write_) {
      OutputFile memory{OutputFile::InMemory{}};
      write_(memory);
      image = memory.image();
    } else {
      image = image_;
    }
    archive << image;
  }
  template <class Archive>
  void load(Archive& archive, unsigned /*version*/) {
    write_ = nullptr;
    archive >> image_;
  }
  BOOST_SERIALIZATION_SPLIT_MEMBER()

 private:
  Write write_;
  std::string image_;
};

}  // namespace salonsim

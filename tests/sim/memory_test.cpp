#include "sim/memory.hpp"

#include <gtest/gtest.h>

#include <string>

namespace salonsim {
namespace {

TEST(Memory, WhatFitsIsNotAProblem) {
  EXPECT_EQ(memory_shortfall({.per_run = 100, .at_once = 2, .kept = 50}, 250), "");
  EXPECT_EQ(MemoryNeed({.per_run = 100, .at_once = 2, .kept = 50}).total(), 250u);
}

TEST(Memory, WhatDoesNotFitSaysWhatItNeedsWhatThereIsAndWhatToDo) {
  const std::string text =
      memory_shortfall({.per_run = 21'000'000'000, .at_once = 2, .kept = 0}, 11'500'000'000);
  EXPECT_EQ(text,
            "this needs about 42.0 GB of memory (2 simulations at once of about 21.0 GB each) but "
            "about 11.5 GB is available; use fewer residents, fewer threads (--threads 1), or a "
            "machine with more memory");
  const std::string kept =
      memory_shortfall({.per_run = 40'000'000, .at_once = 1, .kept = 9'000'000'000}, 2'000'000'000);
  EXPECT_NE(kept.find("9.0 GB kept of finished runs"), std::string::npos) << kept;
  EXPECT_NE(kept.find("fewer replicates"), std::string::npos) << kept;
  EXPECT_EQ(kept.find("fewer threads"), std::string::npos) << kept;
}

TEST(Memory, ThisProcessCanReadWhatIsAvailable) {
  const auto available = available_memory_bytes();
  ASSERT_TRUE(available.has_value());  // Linux: /proc/meminfo
  EXPECT_GT(*available, 0u);
}

TEST(Memory, ReadableBytes) {
  EXPECT_EQ(readable_bytes(512'000), "512 kB");
  EXPECT_EQ(readable_bytes(43'000'000), "43 MB");
  EXPECT_EQ(readable_bytes(1'400'000'000), "1.4 GB");
}

}  // namespace
}  // namespace salonsim

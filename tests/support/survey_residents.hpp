#pragma once
// Four residents by hand for the survey tests: three at the start (resident 2 certified, resident
// 1 isolated), one who enters at step 2.
#include "sim/population.hpp"

namespace salonsim::testing {

inline Population four_survey_residents() {
  Population p;
  p.resize(4);
  p.alive = {1, 1, 1, 0};
  p.entry_step = {0, 0, 0, 2};
  p.age0 = {70.0f, 80.0f, 90.0f, 65.0f};
  p.certified = {0, 0, 1, 0};
  p.weekly_contacts = {3.0f, 0.5f, 2.0f, 0.0f};
  p.isolated = {0, 1, 0, 1};
  return p;
}

}  // namespace salonsim::testing

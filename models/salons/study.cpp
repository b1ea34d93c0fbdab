#include "models/salons/study.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "sim/stats/ols.hpp"

namespace salonsim::models {

namespace {
// What the study keeps and uses per resident, with a margin: 21 bytes of each cohort member and
// 1 of each reference resident kept; its Cox data, the Cox fit's sorted copy and the
// instrument's regression while it fits.
constexpr double kSalonStudyKeptBytes = 32, kSalonStudyFitBytes = 320;
// The design: a year before the survey and five of follow-up.
constexpr double kSalonStudyYears = 6;

/// The run's survey wave at `step`; the study cannot run without it.
const SurveyWave& wave_of(const RunRecord& r, std::int64_t step) {
  const SurveyWave* wave = r.wave_at(step);
  if (wave == nullptr)
    throw std::invalid_argument(fmt::format(
        "the salon study needs a survey wave at step {} (its analysis asks for one)", step));
  return *wave;
}
}  // namespace

SalonStudyData::SalonStudyData(std::size_t replicates) : arm_(replicates), reference_(replicates) {}

void SalonStudyData::add_arm_run(std::size_t replicate, const RunRecord& r) {
  Replicate& out = arm_.at(replicate);
  out = Replicate{};
  const std::vector<double>& first_session = r.column(kFirstSalonStepColumn);
  const std::vector<double>& within_350m = r.column(kSalonsWithin350mColumn);
  if (first_session.size() != r.entry_step.size())
    throw std::invalid_argument("the salon study needs runs with salons");
  const std::int32_t year = r.steps_per_year, horizon = 6 * year;
  if (r.steps < horizon)
    throw std::invalid_argument("the salon study needs runs of at least six years");
  // The baseline survey (before the first step) gives the residents and their covariates;
  // the survey at the end of year 1 who is alive and independent, and who took part.
  const SurveyWave& baseline = wave_of(r, 0);
  const SurveyWave& survey = wave_of(r, year);
  const std::vector<std::uint8_t>& alive0 = baseline.column<std::uint8_t>("alive");
  const std::vector<float>& age = baseline.column<float>("age");
  const std::vector<std::uint8_t>& isolated = baseline.column<std::uint8_t>("isolated");
  const std::vector<std::uint8_t>& alive = survey.column<std::uint8_t>("alive");
  const std::vector<std::uint8_t>& certified = survey.column<std::uint8_t>("certified");
  const std::vector<std::uint16_t>& sessions = survey.column<std::uint16_t>(kSalonSessionsColumn);
  out.residents = residents_digest(r);
  out.steps_per_year = year;
  for (std::size_t i = 0; i < r.entry_step.size(); ++i) {
    if (!alive0[i]) continue;
    const bool participant = sessions[i] > 0;
    out.starting += 1;
    out.attended += participant;
    out.ever += first_session[i] >= 0 && first_session[i] < 5 * year;
    (participant ? out.participants_low : out.others_low) += r.income_low[i];
    if (participant) out.women += r.sex[i];
    if (!participant) out.others += 1;
    if (!alive[i] || certified[i]) continue;
    const bool event = r.disability_step[i] >= year && r.disability_step[i] < horizon;
    std::int32_t end = horizon;
    if (r.death_step[i] >= 0 && r.death_step[i] < horizon) end = r.death_step[i] + 1;
    if (event) end = r.disability_step[i] + 1;
    out.follow_up.push_back(end - year);
    out.event.push_back(event);
    out.participant.push_back(participant);
    out.age.push_back(age[i]);
    out.female.push_back(r.sex[i]);
    out.low_income.push_back(r.income_low[i]);
    out.isolated.push_back(isolated[i]);
    out.salons_within_350m.push_back(within_350m.empty() ? 0.0f
                                                         : static_cast<float>(within_350m[i]));
    (participant ? out.cert_participants : out.cert_others) += event;
    (participant ? out.cohort_participants : out.cohort_others) += 1;
    if (participant) out.participant_index.push_back(static_cast<std::int32_t>(i));
  }
  out.added = true;
}

void SalonStudyData::add_reference_run(std::size_t replicate, const RunRecord& r) {
  Reference& out = reference_.at(replicate);
  out.residents = residents_digest(r);
  out.steps_per_year = r.steps_per_year;
  const std::int32_t year = r.steps_per_year, horizon = 6 * year;
  out.certified_in_follow_up.resize(r.disability_step.size());
  for (std::size_t i = 0; i < r.disability_step.size(); ++i)
    out.certified_in_follow_up[i] = r.disability_step[i] >= year && r.disability_step[i] < horizon;
  out.added = true;
}

SalonStudy SalonStudyData::fit() const {
  // The true effect needs the same residents in the reference arm: the same town, replicate by
  // replicate (arms that differ only in their interventions). Otherwise it is not reported.
  bool paired = true;
  for (std::size_t k = 0; k < arm_.size(); ++k) {
    if (!arm_[k].added) throw std::logic_error("the salon study is missing a replicate");
    paired = paired && reference_[k].added && reference_[k].residents == arm_[k].residents &&
             reference_[k].steps_per_year == arm_[k].steps_per_year;
  }
  SalonStudy study;
  double starting = 0, attended = 0, ever = 0, participants_low = 0, others_low = 0, others = 0,
         women = 0, cohort_participants = 0, cohort_others = 0, without = 0;
  stats::CoxData data;
  data.names = {"participant", "age", "female", "low_income", "isolated"};
  data.covariates.assign(5, {});
  std::vector<double> instrument;
  for (std::size_t k = 0; k < arm_.size(); ++k) {
    const Replicate& r = arm_[k];
    starting += double(r.starting);
    attended += double(r.attended);
    ever += double(r.ever);
    participants_low += double(r.participants_low);
    others_low += double(r.others_low);
    others += double(r.others);
    women += double(r.women);
    study.cert_participants += double(r.cert_participants);
    study.cert_others += double(r.cert_others);
    cohort_participants += double(r.cohort_participants);
    cohort_others += double(r.cohort_others);
    for (std::size_t j = 0; j < r.follow_up.size(); ++j) {
      data.time.push_back(static_cast<double>(r.follow_up[j]) / r.steps_per_year);
      data.event.push_back(r.event[j]);
      const double covariates[5] = {double(r.participant[j]), r.age[j], double(r.female[j]),
                                    double(r.low_income[j]), double(r.isolated[j])};
      for (int c = 0; c < 5; ++c) data.covariates[c].push_back(covariates[c]);
      instrument.push_back(r.salons_within_350m[j]);
    }
    if (paired) {
      for (const std::int32_t i : r.participant_index)
        without += reference_[k].certified_in_follow_up[static_cast<std::size_t>(i)];
    }
  }
  study.attended_year1 = attended / starting;
  study.ever_5y = ever / starting;
  study.low_income_participants = participants_low / attended;
  study.low_income_others = others_low / others;
  study.women_participants = women / attended;
  study.cert_participants /= cohort_participants;
  study.cert_others /= cohort_others;
  if (paired) study.cert_participants_without = without / cohort_participants;
  study.cohort = static_cast<std::int64_t>(cohort_participants + cohort_others);
  study.participants = static_cast<std::int64_t>(cohort_participants);
  study.cox = stats::fit_cox(data);
  // Two-stage residual inclusion: participation regressed on the instrument and the covariates;
  // the residual joins the Cox model and absorbs unmeasured reasons to take part.
  std::vector<std::vector<double>> first_stage{std::move(instrument)};
  for (int c = 1; c < 5; ++c) first_stage.push_back(data.covariates[c]);
  stats::OlsFit stage1 = stats::fit_ols(data.covariates[0], first_stage);
  first_stage.clear();
  study.first_stage_coefficient = stage1.coefficients[1];
  stats::CoxData& second = data;  // the first fit is done: extend its data
  second.names.push_back("first_stage_residual");
  second.covariates.push_back(std::move(stage1.residuals));
  study.iv_cox = stats::fit_cox(second);
  return study;
}

SalonStudy salon_study(const std::vector<RunRecord>& arm, const std::vector<RunRecord>* reference) {
  SalonStudyData data(arm.size());
  for (std::size_t k = 0; k < arm.size(); ++k) {
    data.add_arm_run(k, arm[k]);
    if (reference != nullptr && k < reference->size()) data.add_reference_run(k, (*reference)[k]);
  }
  return data.fit();
}

std::string format_salon_study(const std::string& arm, const SalonStudy& s) {
  std::string text;
  text += fmt::format(
      "Study emulation in {} (Hikichi et al. 2015 design: survey at the end of year 1, 5 years of "
      "follow-up, "
      "{} residents, {} participants):\n",
      arm, s.cohort, s.participants);
  text += fmt::format(
      "  attended in year 1 {:.1f}%, ever within 5 years {:.1f}%; low income {:.1f}% of "
      "participants, "
      "{:.1f}% of others; women {:.1f}% of participants\n",
      100 * s.attended_year1, 100 * s.ever_5y, 100 * s.low_income_participants,
      100 * s.low_income_others, 100 * s.women_participants);
  text += fmt::format(
      "  observed:  5-year certification {:.1f}% participants vs {:.1f}% non-participants; "
      "adjusted HR {}\n",
      100 * s.cert_participants, 100 * s.cert_others, format_hazard_ratio(s.cox));
  text += fmt::format(
      "  instrumental variable (salons within 350 m; first stage {:+.3f} per salon): HR {}\n",
      s.first_stage_coefficient, format_hazard_ratio(s.iv_cox));
  if (s.cert_participants_without >= 0) {
    text += fmt::format(
        "  true:      the same participants without salons {:.1f}% -> effect on participants "
        "{:.1f} points "
        "(risk ratio {:.2f}); selection explains {:.1f} of the {:.1f}-point observed gap\n",
        100 * s.cert_participants_without,
        100 * (s.cert_participants - s.cert_participants_without),
        s.cert_participants / s.cert_participants_without,
        100 * (s.cert_others - s.cert_participants_without),
        100 * (s.cert_others - s.cert_participants));
  }
  return text;
}

ArmAnalysis salon_study_analysis() {
  return {"salon_study",
          {std::string(kFirstSalonStepColumn), std::string(kSalonsWithin350mColumn)},
          {0.0, 1.0},  // the baseline survey and the survey at the end of year 1
          {"alive", "age", "isolated", "certified", std::string(kSalonSessionsColumn)},
          kSalonStudyYears,
          [](std::size_t replicates) {
            return std::make_unique<GatheredStudy<SalonStudyData>>(
                SalonStudyData(replicates), kSalonStudyYears,
                [](const std::string& arm_name, const SalonStudyData& data) {
                  const SalonStudy study = data.fit();
                  return ArmAnalysisResult{format_salon_study(arm_name, study),
                                           {{"study_log_hr_participant",
                                             fmt::format("{:.17g}", study.cox.coefficients[0])}}};
                });
          },
          kSalonStudyKeptBytes,
          kSalonStudyFitBytes};
}

}  // namespace salonsim::models

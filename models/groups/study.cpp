#include "models/groups/study.hpp"

#include <fmt/format.h>

#include <memory>
#include <stdexcept>
#include <utility>

#include "models/groups/activity.hpp"

namespace salonsim::models {

namespace {

constexpr double kMinimumYears = 3;  // shorter follow-ups have too few events to say anything
// What the study keeps and uses per resident, with a margin: 22 bytes of each cohort member and
// 1 of each reference resident kept; one Cox data set and the fit's sorted copy while it fits.
constexpr double kGroupStudyKeptBytes = 32, kGroupStudyFitBytes = 160;

/// Membership of a kind at the wave (0 for a kind the run did not have).
std::vector<std::uint8_t> members_at(const SurveyWave& wave, GroupKind kind, std::size_t n) {
  const SurveyColumn* column = wave.find(group_column(kind, "{}_member"));
  if (column == nullptr) return std::vector<std::uint8_t>(n, 0);
  return std::get<std::vector<std::uint8_t>>(column->values);
}

/// A ratio column of a kind at the wave (1 where the run did not register it).
std::vector<float> ratio_at(const SurveyWave& wave, GroupKind kind, std::string_view pattern,
                            std::size_t n) {
  const SurveyColumn* column = wave.find(group_column(kind, pattern));
  if (column == nullptr) return std::vector<float>(n, 1.0f);
  return std::get<std::vector<float>>(column->values);
}

}  // namespace

PublishedAssociation published_association(std::optional<GroupKind> kind) {
  if (!kind) {
    return {"OR 0.82 (0.69-0.97), Takahashi 2019", "OR 0.78 (0.70-0.88), Takahashi 2019"};
  }
  switch (*kind) {
    case GroupKind::kSports:
      return {"0.66 (0.51-0.85), Ashida 2016", "0.71, Abe 2023 (frail)"};
    case GroupKind::kHobby:
      return {"0.69 (0.55-0.87), Ashida 2016", "0.68, Abe 2023 (frail)"};
    case GroupKind::kVolunteer:
      return {"", "0.69, Abe 2023 (frail)"};
    case GroupKind::kSeniorClub:
      return {"", "0.75, Abe 2023 (frail)"};
    case GroupKind::kNeighbourhoodAssociation:
      return {"0.85 (0.76-0.96), Kanamori 2014", ""};
    case GroupKind::kSalon:
      return {"0.49 (0.33-0.72), Hikichi 2015", ""};
  }
  return {};
}

GroupStudyData::GroupStudyData(std::vector<GroupKind> kinds, std::size_t replicates)
    : kinds_(std::move(kinds)), arm_(replicates), reference_(replicates) {
  if (kinds_.size() > 8) throw std::invalid_argument("the group study takes at most 8 kinds");
}

void GroupStudyData::add_arm_run(std::size_t replicate, const RunRecord& run) {
  Replicate& out = arm_.at(replicate);
  out = Replicate{};
  const SurveyWave* baseline = run.wave_at(0);
  if (baseline == nullptr)
    throw std::invalid_argument("the group study needs the baseline survey wave (step 0)");
  const std::size_t n = run.entry_step.size(), rows = kinds_.size() + 1;
  out.residents = residents_digest(run);
  out.steps_per_year = run.steps_per_year;
  out.follow_up_years = static_cast<double>(run.steps) / run.steps_per_year;
  for (auto* counts : {&out.members, &out.others, &out.cert_members, &out.cert_others,
                       &out.died_members, &out.died_others})
    counts->assign(rows, 0);
  out.decline.assign(rows, 0.0);
  out.dying.assign(rows, 0.0);
  const std::vector<std::uint8_t>& alive = baseline->column<std::uint8_t>("alive");
  const std::vector<std::uint8_t>& certified = baseline->column<std::uint8_t>("certified");
  const std::vector<float>& age = baseline->column<float>("age");
  const std::vector<std::uint8_t>& isolated = baseline->column<std::uint8_t>("isolated");
  std::vector<std::vector<std::uint8_t>> member;
  std::vector<std::vector<float>> decline_ratio, death_ratio;
  for (const GroupKind kind : kinds_) {
    member.push_back(members_at(*baseline, kind, n));
    decline_ratio.push_back(ratio_at(*baseline, kind, "{}_decline_ratio", n));
    death_ratio.push_back(ratio_at(*baseline, kind, "{}_death_ratio", n));
  }
  const auto end_of = [&](std::int32_t event_step) {
    return event_step >= 0 && event_step < run.steps ? event_step + 1
                                                     : static_cast<std::int32_t>(run.steps);
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (!alive[i] || certified[i]) continue;
    const bool disabled = run.disability_step[i] >= 0 && run.disability_step[i] < run.steps;
    const bool died = run.death_step[i] >= 0 && run.death_step[i] < run.steps;
    // Certification: censored at death; death: followed whatever the certification.
    out.index.push_back(static_cast<std::int32_t>(i));
    out.cert_end.push_back(disabled ? end_of(run.disability_step[i]) : end_of(run.death_step[i]));
    out.death_end.push_back(end_of(run.death_step[i]));
    out.disabled.push_back(disabled);
    out.died.push_back(died);
    out.age.push_back(age[i]);
    out.female.push_back(run.sex[i]);
    out.low_income.push_back(run.income_low[i]);
    out.isolated.push_back(isolated[i]);
    std::uint8_t bits = 0;
    double decline_product = 1, death_product = 1;
    for (std::size_t k = 0; k < rows; ++k) {
      const bool in = k < kinds_.size() ? member[k][i] != 0 : bits != 0;
      if (in && k < kinds_.size()) {
        bits |= static_cast<std::uint8_t>(1u << k);
        out.decline[k] += decline_ratio[k][i];
        out.dying[k] += death_ratio[k][i];
        decline_product *= decline_ratio[k][i];
        death_product *= death_ratio[k][i];
      } else if (in) {
        out.decline[k] += decline_product;
        out.dying[k] += death_product;
      }
      (in ? out.members : out.others)[k] += 1;
      (in ? out.cert_members : out.cert_others)[k] += disabled;
      (in ? out.died_members : out.died_others)[k] += died;
    }
    out.member.push_back(bits);
  }
  out.added = true;
}

void GroupStudyData::add_reference_run(std::size_t replicate, const RunRecord& run) {
  Reference& out = reference_.at(replicate);
  out.residents = residents_digest(run);
  out.outcome.resize(run.disability_step.size());
  for (std::size_t i = 0; i < out.outcome.size(); ++i) {
    const bool disabled = run.disability_step[i] >= 0 && run.disability_step[i] < run.steps;
    const bool died = run.death_step[i] >= 0 && run.death_step[i] < run.steps;
    out.outcome[i] = static_cast<std::uint8_t>(disabled | (died << 1));
  }
  out.added = true;
}

GroupStudy GroupStudyData::fit() const {
  bool paired = true;
  for (std::size_t r = 0; r < arm_.size(); ++r) {
    if (!arm_[r].added) throw std::logic_error("the group study is missing a replicate");
    paired = paired && reference_[r].added && reference_[r].residents == arm_[r].residents;
  }
  GroupStudy study;
  const std::size_t rows = kinds_.size() + 1;  // each kind, then any group
  for (const Replicate& run : arm_) {
    study.follow_up_years = run.follow_up_years;
    study.cohort += static_cast<std::int64_t>(run.index.size());
  }
  for (std::size_t k = 0; k < rows; ++k) {
    const auto in = [&](const Replicate& run, std::size_t j) {
      return k < kinds_.size() ? (run.member[j] >> k & 1u) != 0 : run.member[j] != 0;
    };
    double members = 0, others = 0, cert_m = 0, cert_o = 0, died_m = 0, died_o = 0, decline = 0,
           dying = 0, cert_ref = 0, died_ref = 0;
    for (std::size_t r = 0; r < arm_.size(); ++r) {
      const Replicate& run = arm_[r];
      members += double(run.members[k]);
      others += double(run.others[k]);
      cert_m += double(run.cert_members[k]);
      cert_o += double(run.cert_others[k]);
      died_m += double(run.died_members[k]);
      died_o += double(run.died_others[k]);
      decline += run.decline[k];
      dying += run.dying[k];
      if (!paired) continue;
      for (std::size_t j = 0; j < run.index.size(); ++j) {
        if (!in(run, j)) continue;
        const std::uint8_t outcome = reference_[r].outcome[static_cast<std::size_t>(run.index[j])];
        cert_ref += outcome & 1u;
        died_ref += outcome >> 1 & 1u;
      }
    }
    GroupStudyRow row;
    if (k < kinds_.size()) row.kind = kinds_[k];
    row.members = static_cast<std::int64_t>(members);
    if (members == 0 || others == 0) {
      study.rows.push_back(row);
      continue;
    }
    row.certified_members = cert_m / members;
    row.certified_others = cert_o / others;
    row.died_members = died_m / members;
    row.died_others = died_o / others;
    row.true_decline_ratio = decline / members;
    row.true_death_ratio = dying / members;
    if (paired) {
      row.certified_members_reference = cert_ref / members;
      row.died_members_reference = died_ref / members;
    }
    // One Cox data set at a time: the pooled cohort, membership of this kind first.
    for (const bool certification : {true, false}) {
      stats::CoxData data;
      data.names = {"member", "age", "female", "low_income", "isolated"};
      data.covariates.assign(5, {});
      for (std::size_t r = 0; r < arm_.size(); ++r) {
        const Replicate& run = arm_[r];
        for (std::size_t j = 0; j < run.index.size(); ++j) {
          const double covariates[5] = {double(in(run, j)), run.age[j], double(run.female[j]),
                                        double(run.low_income[j]), double(run.isolated[j])};
          for (int c = 0; c < 5; ++c) data.covariates[c].push_back(covariates[c]);
          data.time.push_back(
              static_cast<double>(certification ? run.cert_end[j] : run.death_end[j]) /
              run.steps_per_year);
          data.event.push_back(certification ? run.disabled[j] : run.died[j]);
        }
      }
      (certification ? row.certification : row.death) = stats::fit_cox(data);
    }
    study.rows.push_back(row);
  }
  return study;
}

GroupStudy group_study(const std::vector<RunRecord>& arm, const std::vector<GroupKind>& kinds,
                       const std::vector<RunRecord>* reference) {
  GroupStudyData data(kinds, arm.size());
  for (std::size_t r = 0; r < arm.size(); ++r) {
    data.add_arm_run(r, arm[r]);
    if (reference != nullptr && r < reference->size()) data.add_reference_run(r, (*reference)[r]);
  }
  return data.fit();
}

std::string format_group_study(const std::string& arm, const GroupStudy& s) {
  std::string text = fmt::format(
      "Community groups in {} (JAGES design: members at the baseline survey against the others, "
      "{} independent residents, {:.1f} years of follow-up; Cox adjusted for age, sex, income, "
      "isolation):\n",
      arm, s.cohort, s.follow_up_years);
  const bool paired = !s.rows.empty() && s.rows.front().certified_members_reference >= 0;
  text += fmt::format(
      "  {:26s} {:>7s}  {:>14s} {:>26s} {:>8s} {:>32s}  {:>14s} {:>26s} {:>8s} {:>24s}\n", "kind",
      "members", "certified m/o", "emulated HR, certification", "true HR", "published", "died m/o",
      "emulated HR, death", "true HR", "published");
  for (const GroupStudyRow& row : s.rows) {
    const std::string name = row.kind ? std::string(group_kind_name(*row.kind)) : "any group";
    if (row.certification.coefficients.empty()) {
      text += fmt::format("  {:26s} {:>7d}  (no contrast: everyone or nobody belongs)\n", name,
                          row.members);
      continue;
    }
    const PublishedAssociation published = published_association(row.kind);
    text += fmt::format(
        "  {:26s} {:>7d}  {:>6.1f}/{:<6.1f} {:>26s} {:>8.2f} {:>32s}  {:>6.1f}/{:<6.1f} {:>26s} "
        "{:>8.2f} {:>24s}\n",
        name, row.members, 100 * row.certified_members, 100 * row.certified_others,
        format_hazard_ratio(row.certification), row.true_decline_ratio,
        published.certification.empty() ? "-" : published.certification, 100 * row.died_members,
        100 * row.died_others, format_hazard_ratio(row.death), row.true_death_ratio,
        published.death.empty() ? "-" : published.death);
  }
  text +=
      "  m/o: % of members / others certified (died) during follow-up. True HR: the mean hazard "
      "ratio the kind gave its members at baseline (for any group, the product over their "
      "kinds); the emulated HR adds who joins (healthier, more sociable residents).\n";
  if (paired) {
    text += "  The same members in the reference arm (common random numbers):\n";
    for (const GroupStudyRow& row : s.rows) {
      if (row.certified_members_reference < 0) continue;
      const std::string name = row.kind ? std::string(group_kind_name(*row.kind)) : "any group";
      text += fmt::format(
          "    {:26s} certified {:.1f}% here vs {:.1f}% there (risk ratio {:.2f}); died {:.1f}% "
          "vs {:.1f}% ({:.2f})\n",
          name, 100 * row.certified_members, 100 * row.certified_members_reference,
          row.certified_members_reference > 0
              ? row.certified_members / row.certified_members_reference
              : 0.0,
          100 * row.died_members, 100 * row.died_members_reference,
          row.died_members_reference > 0 ? row.died_members / row.died_members_reference : 0.0);
    }
  }
  return text;
}

ArmAnalysis group_study_analysis(std::vector<GroupKind> kinds) {
  const auto report = [](const std::string& arm_name, const GroupStudyData& data) {
    const GroupStudy study = data.fit();
    ArmAnalysisResult result{format_group_study(arm_name, study), {}};
    for (const GroupStudyRow& row : study.rows) {
      if (row.certification.coefficients.empty()) continue;
      const std::string name = row.kind ? std::string(group_kind_name(*row.kind)) : "any_group";
      result.estimates.push_back({name + "_study_log_hr_certification",
                                  fmt::format("{:.17g}", row.certification.coefficients[0])});
      result.estimates.push_back(
          {name + "_study_log_hr_death", fmt::format("{:.17g}", row.death.coefficients[0])});
    }
    return result;
  };
  std::vector<std::string> read{"alive", "certified", "age", "isolated"};
  for (const GroupKind kind : kinds) {
    for (const char* pattern : {"{}_member", "{}_decline_ratio", "{}_death_ratio"})
      read.push_back(group_column(kind, pattern));
  }
  return {"group_study",
          {},
          {0.0},  // the baseline survey
          std::move(read),
          kMinimumYears,
          [kinds, report](std::size_t replicates) {
            return std::make_unique<GatheredStudy<GroupStudyData>>(
                GroupStudyData(kinds, replicates), kMinimumYears, report);
          },
          kGroupStudyKeptBytes,
          kGroupStudyFitBytes};
}

}  // namespace salonsim::models

#include "models/groups/study.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "models/groups/activity.hpp"

namespace salonsim::models {

namespace {

constexpr double kMinimumYears = 3;  // shorter follow-ups have too few events to say anything

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

GroupStudy group_study(const std::vector<RunRecord>& arm, const std::vector<GroupKind>& kinds,
                       const std::vector<RunRecord>* reference) {
  if (reference != nullptr && !same_residents(arm, *reference)) reference = nullptr;
  GroupStudy study;
  const std::size_t rows = kinds.size() + 1;  // each kind, then any group
  std::vector<stats::CoxData> certification(rows), death(rows);
  for (std::size_t k = 0; k < rows; ++k) {
    for (stats::CoxData* data : {&certification[k], &death[k]}) {
      data->names = {"member", "age", "female", "low_income", "isolated"};
      data->covariates.assign(5, {});
    }
  }
  std::vector<double> members(rows, 0), others(rows, 0), cert_m(rows, 0), cert_o(rows, 0),
      died_m(rows, 0), died_o(rows, 0), decline(rows, 0), dying(rows, 0), cert_ref(rows, 0),
      died_ref(rows, 0);
  for (std::size_t r = 0; r < arm.size(); ++r) {
    const RunRecord& run = arm[r];
    const SurveyWave* baseline = run.wave_at(0);
    if (baseline == nullptr)
      throw std::invalid_argument("the group study needs the baseline survey wave (step 0)");
    const std::size_t n = run.entry_step.size();
    const double years = static_cast<double>(run.steps) / run.steps_per_year;
    study.follow_up_years = years;
    const std::vector<std::uint8_t>& alive = baseline->column<std::uint8_t>("alive");
    const std::vector<std::uint8_t>& certified = baseline->column<std::uint8_t>("certified");
    const std::vector<float>& age = baseline->column<float>("age");
    const std::vector<std::uint8_t>& isolated = baseline->column<std::uint8_t>("isolated");
    std::vector<std::vector<std::uint8_t>> member;
    std::vector<std::vector<float>> decline_ratio, death_ratio;
    for (const GroupKind kind : kinds) {
      member.push_back(members_at(*baseline, kind, n));
      decline_ratio.push_back(ratio_at(*baseline, kind, "{}_decline_ratio", n));
      death_ratio.push_back(ratio_at(*baseline, kind, "{}_death_ratio", n));
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!alive[i] || certified[i]) continue;
      ++study.cohort;
      const auto end_of = [&](std::int32_t event_step) {
        return event_step >= 0 && event_step < run.steps ? event_step + 1 : run.steps;
      };
      const bool disabled = run.disability_step[i] >= 0 && run.disability_step[i] < run.steps;
      const bool died = run.death_step[i] >= 0 && run.death_step[i] < run.steps;
      // Certification: censored at death; death: followed whatever the certification.
      const std::int32_t cert_end = disabled ? end_of(run.disability_step[i])
                                             : static_cast<std::int32_t>(end_of(run.death_step[i]));
      const std::int32_t death_end = static_cast<std::int32_t>(end_of(run.death_step[i]));
      double decline_product = 1, death_product = 1;
      bool any = false;
      for (std::size_t k = 0; k < rows; ++k) {
        bool in = false;
        if (k < kinds.size()) {
          in = member[k][i] != 0;
          any = any || in;
          if (in) {
            decline[k] += decline_ratio[k][i];
            dying[k] += death_ratio[k][i];
            decline_product *= decline_ratio[k][i];
            death_product *= death_ratio[k][i];
          }
        } else {
          in = any;
          if (in) {
            decline[k] += decline_product;
            dying[k] += death_product;
          }
        }
        const double covariates[5] = {double(in), age[i], double(run.sex[i]),
                                      double(run.income_low[i]), double(isolated[i])};
        for (int c = 0; c < 5; ++c) {
          certification[k].covariates[c].push_back(covariates[c]);
          death[k].covariates[c].push_back(covariates[c]);
        }
        certification[k].time.push_back(static_cast<double>(cert_end) / run.steps_per_year);
        certification[k].event.push_back(disabled);
        death[k].time.push_back(static_cast<double>(death_end) / run.steps_per_year);
        death[k].event.push_back(died);
        (in ? members : others)[k] += 1;
        (in ? cert_m : cert_o)[k] += disabled;
        (in ? died_m : died_o)[k] += died;
        if (in && reference != nullptr) {
          const RunRecord& b = (*reference)[r];
          cert_ref[k] += b.disability_step[i] >= 0 && b.disability_step[i] < b.steps;
          died_ref[k] += b.death_step[i] >= 0 && b.death_step[i] < b.steps;
        }
      }
    }
  }
  for (std::size_t k = 0; k < rows; ++k) {
    GroupStudyRow row;
    if (k < kinds.size()) row.kind = kinds[k];
    row.members = static_cast<std::int64_t>(members[k]);
    if (members[k] == 0 || others[k] == 0) {
      study.rows.push_back(row);
      continue;
    }
    row.certified_members = cert_m[k] / members[k];
    row.certified_others = cert_o[k] / others[k];
    row.died_members = died_m[k] / members[k];
    row.died_others = died_o[k] / others[k];
    row.true_decline_ratio = decline[k] / members[k];
    row.true_death_ratio = dying[k] / members[k];
    if (reference != nullptr) {
      row.certified_members_reference = cert_ref[k] / members[k];
      row.died_members_reference = died_ref[k] / members[k];
    }
    row.certification = stats::fit_cox(certification[k]);
    row.death = stats::fit_cox(death[k]);
    study.rows.push_back(row);
  }
  return study;
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
  return {
      "group_study",
      {},
      {0.0},  // the baseline survey
      [kinds](const std::string& arm_name, const std::vector<RunRecord>& arm,
              const std::vector<RunRecord>& reference) -> std::optional<ArmAnalysisResult> {
        if (arm.empty() || arm.front().steps < kMinimumYears * arm.front().steps_per_year)
          return std::nullopt;
        const GroupStudy study = group_study(arm, kinds, &reference);
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
      }};
}

}  // namespace salonsim::models

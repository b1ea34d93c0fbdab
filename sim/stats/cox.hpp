#pragma once
// Cox proportional-hazards regression: maximum partial likelihood by Newton-Raphson, with the
// Breslow approximation for tied event times (as statsmodels PHReg with ties="breslow" and R
// coxph with ties="breslow"). Subjects are sorted once by time; each iteration is one pass over
// the risk sets, O(n p^2).
#include <cstdint>
#include <string>
#include <vector>

namespace salonsim::stats {

/// Right-censored survival data for n subjects and p covariates.
struct CoxData {
  /// Follow-up time of each subject (finite, > 0).
  std::vector<double> time;
  /// 1 if the subject's follow-up ended with the event, 0 if censored.
  std::vector<std::uint8_t> event;
  /// p covariate columns, each of length n (finite values).
  std::vector<std::vector<double>> covariates;
  /// One name per covariate column; used in error messages.
  std::vector<std::string> names;
  /// Case weights (finite, > 0), e.g. inverse probabilities of treatment; empty: all 1. With
  /// weights the standard errors are model-based, not robust: use them for point estimates.
  std::vector<double> weights = {};
};

/// Result of fit_cox; vectors are indexed like CoxData::covariates.
struct CoxFit {
  /// Estimated log hazard ratios.
  std::vector<double> coefficients;
  /// Standard errors of the coefficients, from the inverse observed information.
  std::vector<double> standard_errors;
  /// exp(coefficients).
  std::vector<double> hazard_ratios;
  /// Lower end of the 95% Wald interval for the hazard ratio, exp(b - 1.96 se).
  std::vector<double> ci_low;
  /// Upper end of the 95% Wald interval for the hazard ratio, exp(b + 1.96 se).
  std::vector<double> ci_high;
  /// Log partial likelihood (Breslow) at the coefficients.
  double log_likelihood = 0;
  /// Newton-Raphson steps taken.
  int iterations = 0;
  /// True when the relative change in log-likelihood fell below the tolerance.
  bool converged = false;
};

/// Fits a Cox model by Newton-Raphson from beta = 0 (step halving if the likelihood drops),
/// stopping when |change in log-likelihood| <= tolerance * (1 + |log-likelihood|).
/// max_iterations = 0 evaluates the null model (beta = 0). Throws std::invalid_argument on bad
/// input and std::runtime_error if the information matrix is singular (e.g. a constant or
/// collinear covariate).
CoxFit fit_cox(const CoxData& data, int max_iterations = 50, double tolerance = 1e-10);

}  // namespace salonsim::stats

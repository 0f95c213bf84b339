#include "runtime/closed_averages.h"

#include <cmath>
#include <fmt/format.h>
#include <numbers>
#include <stdexcept>

namespace sgntk::runtime {
namespace {

using std::numbers::pi;

// Every average is a function of (m, s2) given pointwise; the loop is shared.
template <class F>
class PointwiseAverage final : public GaussianAverage {
 public:
  PointwiseAverage(F f, std::string text) : f_(std::move(f)), text_(std::move(text)) {}
  void average(const double* mean, const double* var, double* out, std::size_t n) const override {
    for (std::size_t i = 0; i < n; ++i) out[i] = f_(mean[i], std::max(var[i], 0.0));
  }
  std::string text() const override { return text_; }

 private:
  F f_;
  std::string text_;
};

template <class F>
GaussianAverageRef make(F f, std::string text) {
  return std::make_shared<PointwiseAverage<F>>(std::move(f), std::move(text));
}

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * pi); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

GaussianAverageRef erf_average(double eps, double shift) {
  return make(
      [eps, shift](double m, double s2) {
        const double denominator = 2 * (eps + s2), d = m - shift;
        if (denominator == 0) return d > 0 ? 1.0 : (d < 0 ? -1.0 : 0.0);
        return std::erf(d / std::sqrt(denominator));
      },
      shift == 0 ? fmt::format("erf(m / sqrt(2*({} + s2)))", eps)
                 : fmt::format("erf((m - {}) / sqrt(2*({} + s2)))", shift, eps));
}

GaussianAverageRef bump_average(double eps, double shift) {
  return make(
      [eps, shift](double m, double s2) {
        const double v = eps + s2;
        const double d = m - shift;
        if (v == 0) return d == 0 ? HUGE_VAL : 0.0;
        return std::exp(-0.5 * d * d / v) / std::sqrt(2 * pi * v);
      },
      fmt::format("N(m; {}, {} + s2)", shift, eps));
}

GaussianAverageRef moment_average(int p) {
  return make(
      [p](double m, double s2) {
        // E[(m + s Z)^p] = sum over even j of C(p, j) m^(p-j) s^j (j-1)!!
        double total = 0, binom = 1, double_factorial = 1;
        for (int j = 0; j <= p; ++j) {
          if (j > 0) binom = binom * (p - j + 1) / j;
          if (j % 2 == 0) {
            if (j >= 2) double_factorial *= (j - 1);
            total += binom * std::pow(m, p - j) * std::pow(s2, j / 2) * double_factorial;
          }
        }
        return total;
      },
      fmt::format("E[V^{}]", p));
}

GaussianAverageRef relu_average() {
  return make(
      [](double m, double s2) {
        if (s2 == 0) return std::max(m, 0.0);
        const double s = std::sqrt(s2);
        return m * normal_cdf(m / s) + s * normal_pdf(m / s);
      },
      "m Phi(m/s) + s phi(m/s)");
}

GaussianAverageRef cos_average(double k) {
  return make([k](double m, double s2) { return std::exp(-0.5 * k * k * s2) * std::cos(k * m); },
              fmt::format("exp(-{}^2 s2/2) cos({} m)", k, k));
}

GaussianAverageRef sin_average(double k) {
  return make([k](double m, double s2) { return std::exp(-0.5 * k * k * s2) * std::sin(k * m); },
              fmt::format("exp(-{}^2 s2/2) sin({} m)", k, k));
}
GaussianAverageRef closed_average(const program::ClosedAverage& a) {
  using program::AverageId;
  switch (a.id) {
    case AverageId::erf: return erf_average(a.p[0], a.p[1]);
    case AverageId::bump: return bump_average(a.p[0], a.p[1]);
    case AverageId::moment: return moment_average(static_cast<int>(a.p[0]));
    case AverageId::relu: return relu_average();
    case AverageId::cos: return cos_average(a.p[0]);
    case AverageId::sin: return sin_average(a.p[0]);
  }
  throw std::invalid_argument("closed_average: unknown id");
}

}  // namespace sgntk::runtime

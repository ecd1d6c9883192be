"""The escalation index as a Bayesian estimate with a credible interval (docs/indicators.md, "The estimate").

Two independent posteriors, both updated with the weighted evidence of a window in *observations* (weight divided by
`evidence_unit`) and both starting from the situation's recent level (the evidence of the days before the window),
itself shrunk towards a stated prior:
- share: Beta posterior of the escalation share of directional evidence (escalation vs de-escalation);
- intensity: Gamma posterior of the escalation observations per day (Gamma-Poisson), read on a saturating scale
  `1 - exp(-rate / intensity_scale)`.
index = 100 x share x intensity, its posterior median; the interval holds the central `credible_level` of the
posterior of that product. Both are read off a fixed grid of quantiles of the two posteriors (deterministic, no
sampling). The median rather than the mean: with thin, one-sided evidence the posterior is so skewed that its mean can
lie outside the central interval; the median never does.

Thin evidence leaves the posterior near the recent level with a wide interval; strong evidence moves it and narrows
it. Adding escalation evidence (in the window or in the recent days) never lowers the index or its bounds; adding
de-escalation evidence never raises them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy.special import betaincinv, gammaincinv

DAY = 86400.0
GRID = 32  # quantiles per posterior for the interval of the product (32 x 32 equally likely points)
QUANTILES = (np.arange(GRID) + 0.5) / GRID


class IndexParameters(BaseModel):
    """Per situation, under `index:` in the situations config; every field has a default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    evidence_unit: float = Field(default=10.0, gt=0)  # weight of one observation: a firm claim of a party at 5 or more
    prior_share: float = Field(default=0.5, gt=0, lt=1)  # stated escalation share before any evidence
    prior_rate: float = Field(default=1.0, gt=0)  # stated escalation observations per day before any evidence
    prior_strength: float = Field(default=2.0, gt=0)  # observations (share) and days (rate) the stated prior is worth
    recent_days: float = Field(default=5.0, ge=0)  # the recent level: evidence of these days before the window
    max_recent_strength: float = Field(default=10.0, gt=0)  # the recent share is worth at most this many observations
    max_recent_days: float = Field(default=3.0, gt=0)  # the recent rate is worth at most this many days of exposure
    intensity_scale: float = Field(default=3.0, gt=0)  # escalation observations a day at 63 % of full intensity
    credible_level: float = Field(default=0.8, gt=0, lt=1)  # central posterior mass between low and high
    amber_enter: float = Field(default=40.0, ge=0, le=100)  # index at which amber starts
    amber_exit: float = Field(default=25.0, ge=0, le=100)  # index below which amber ends
    red_enter: float = Field(default=55.0, ge=0, le=100)  # the interval's LOW bound at which red starts
    red_exit: float = Field(default=45.0, ge=0, le=100)  # the low bound below which red ends
    red_min_sources: int = Field(default=2, ge=1)  # independent outlets reporting escalation, for red

    @model_validator(mode="after")
    def exits_below_enters(self) -> IndexParameters:
        if self.amber_exit > self.amber_enter or self.red_exit > self.red_enter:
            raise ValueError("an alert level's exit threshold must not exceed its enter threshold")
        return self


DEFAULT_PARAMETERS = IndexParameters()


@dataclass(frozen=True)
class Evidence:
    """Decayed weights of one span: escalation, de-escalation, and its exposure in days (the decay integrated)."""

    escalation: float
    deescalation: float
    days: float


@dataclass(frozen=True)
class Estimate:
    index: float  # posterior median, 0-100
    low: float  # lower bound of the central credible interval
    high: float


def exposure_days(window_seconds: float) -> float:
    """Days of exposure of a window whose weights halve every half window: the integral of the decay over it."""
    half_life = window_seconds / 2.0 / DAY
    return half_life / math.log(2.0) * (1.0 - 0.25) if window_seconds > 0 else 0.0


def inverted_cdf_index(size: int, quantile: float) -> int:
    """Index of the `quantile` of `size` sorted values by the inverted empirical CDF (numpy's "inverted_cdf" method,
    without its per-call overhead: the hourly alert series estimates hundreds of windows per report)."""
    return min(max(math.ceil(size * quantile) - 1, 0), size - 1)


def estimate(window: Evidence, recent: Evidence, p: IndexParameters = DEFAULT_PARAMETERS) -> Estimate:
    """The posterior of the index for a window, given the evidence of the recent days before it."""
    unit = p.evidence_unit
    # Share: stated prior + recent evidence, capped in strength (power prior), then the window's evidence.
    recent_up = p.prior_strength * p.prior_share + recent.escalation / unit
    recent_down = p.prior_strength * (1.0 - p.prior_share) + recent.deescalation / unit
    cap = min(1.0, p.max_recent_strength / (recent_up + recent_down))
    alpha = recent_up * cap + window.escalation / unit
    beta = recent_down * cap + window.deescalation / unit
    # Intensity: Gamma prior on observations per day from the stated rate and the recent days' rate (capped), then
    # the window's escalation observations over its exposure.
    prior_days = p.prior_strength + recent.days
    prior_rate = (p.prior_strength * p.prior_rate + recent.escalation / unit) / prior_days
    strength_days = min(prior_days, p.max_recent_days)
    shape = strength_days * prior_rate + window.escalation / unit
    rate = strength_days + window.days
    shares = betaincinv(alpha, beta, QUANTILES)
    intensities = -np.expm1(-gammaincinv(shape, QUANTILES) / rate / p.intensity_scale)
    products = np.sort(np.outer(shares, intensities), axis=None)
    tail = (1.0 - p.credible_level) / 2.0
    low, median, high = (products[inverted_cdf_index(products.size, q)] for q in (tail, 0.5, 1.0 - tail))
    return Estimate(index=100.0 * float(median), low=100.0 * float(low), high=100.0 * float(high))

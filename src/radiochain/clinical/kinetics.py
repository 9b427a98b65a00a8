"""Time-integrated activity from time-activity data: exponential fits, trapezoid, one time point.

Every fitted curve is a sum of exponentials :math:`A(t) = \\sum_i a_i e^{-\\lambda_i t}` (an
uptake phase has a negative :math:`a_i`), so its integral to infinity is analytic,
:math:`\\tilde A = \\sum_i a_i / \\lambda_i`, and the same coefficients feed the BED
(:func:`radiochain.clinical.dosimetry.protraction_factor`). Effective decay constants are bounded
below by the physical one (activity cannot leave an organ slower than it decays).

Models (parameters in brackets): ``mono`` (2), ``bi`` (4), ``tri`` (6) exponential washout,
and ``uptake`` (3): :math:`A (e^{-\\lambda_w t} - e^{-\\lambda_u t})`. With ``model="auto"``
every model with at least k + 2 points (k parameters; so that AICc is defined) is fitted, and
the one with the lowest AICc wins, the simpler one when within 2 of it; with too few points for
any AICc, models with more points than parameters compete on AIC (Burnham & Anderson, *Model
Selection and Multimodel Inference*, 2nd ed., Springer 2002, doi:10.1007/b97636; as in
PyTheranostics). A fit that does not converge falls back to the trapezoid rule with a
physical-decay tail, with a :class:`ClinicalWarning`.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from radiochain.errors import InputError

FloatArray = npt.NDArray[np.float64]
ModelName = Literal["mono", "bi", "tri", "uptake"]
MODELS: dict[str, int] = {"mono": 2, "bi": 4, "tri": 6, "uptake": 3}
"""Model name -> number of fitted parameters."""


class ClinicalWarning(UserWarning):
    """A clinical computation fell back to a simpler method or met questionable input."""


@dataclass(frozen=True)
class ExponentialSum:
    """:math:`A(t) = \\sum_i a_i e^{-\\lambda_i t}`.

    Parameters
    ----------
    amplitudes : array [Bq]
    rates : array [1/s], all > 0
    """

    amplitudes: FloatArray
    rates: FloatArray

    def __call__(self, times: npt.ArrayLike) -> FloatArray:
        """Activity [Bq] at ``times`` [s] (any shape)."""
        t = np.asarray(times, dtype=float)
        return np.asarray(np.exp(-np.multiply.outer(t, self.rates)) @ self.amplitudes, dtype=float)

    def integral(self) -> float:
        """Time-integrated activity from 0 to infinity [Bq s]."""
        return float(np.sum(self.amplitudes / self.rates))

    def effective_half_life(self) -> float:
        """Half-life [s] of the slowest component."""
        return float(math.log(2) / np.min(self.rates))


@dataclass(frozen=True)
class TacFit:
    """Time-integrated activity of one time-activity curve.

    Attributes
    ----------
    method : str
        ``fit`` or ``trapezoid`` (the fallback).
    model : str
        Model fitted (``mono``...), or ``trapezoid``.
    tia : float [Bq s]
    curve : ExponentialSum or None
        The fitted curve (None for the trapezoid).
    sse : float
        Weighted sum of squared residuals [Bq^2 or 1].
    aicc : float
        AICc (AIC if n <= k + 1) of the fit; NaN for the trapezoid.
    candidates : dict
        AICc of every model tried.
    """

    method: Literal["fit", "trapezoid", "single-point"]
    model: str
    tia: float
    times: FloatArray
    activities: FloatArray
    curve: ExponentialSum | None = None
    sse: float = float("nan")
    aicc: float = float("nan")
    candidates: dict[str, float] = field(default_factory=dict)
    note: str = ""

    def predict(self, times: npt.ArrayLike, half_life: float) -> FloatArray:
        """Activity [Bq] at ``times`` [s]: the fitted curve, or for the trapezoid the
        piecewise-linear data with the physical-decay tail."""
        t = np.asarray(times, dtype=float)
        if self.curve is not None:
            return self.curve(t)
        lam = math.log(2) / half_life
        inside = np.interp(t, self.times, self.activities, left=self.activities[0])
        tail = self.activities[-1] * np.exp(-lam * (t - self.times[-1]))
        return np.asarray(np.where(t > self.times[-1], tail, inside), dtype=float)


def check_tac(
    times: npt.ArrayLike, activities: npt.ArrayLike, where: str = "time-activity curve"
) -> tuple[FloatArray, FloatArray]:
    """Validate and sort one curve.

    Raises
    ------
    InputError
        Lengths differ, fewer than one point, NaN, negative time or activity, repeated time.
    """
    t, a, _ = _checked(times, activities, None, where)
    return t, a


def _checked(
    times: npt.ArrayLike,
    activities: npt.ArrayLike,
    sigma: npt.ArrayLike | None,
    where: str,
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """:func:`check_tac` that also validates the uncertainties and sorts them with the points."""
    t = np.asarray(times, dtype=float).ravel()
    a = np.asarray(activities, dtype=float).ravel()
    if t.shape != a.shape:
        raise InputError(f"{where}: {t.size} times but {a.size} activities")
    if t.size == 0:
        raise InputError(f"{where}: no data points")
    for name, values in (("time", t), ("activity", a)):
        if not np.isfinite(values).all():
            raise InputError(f"{where}: a {name} is not a finite number")
        if (values < 0).any():
            k = int(np.flatnonzero(values < 0)[0])
            raise InputError(
                f"{where}: point {k + 1}: {name} {values[k]:g} is negative "
                "(times after administration and activities are >= 0)"
            )
    sig = None
    if sigma is not None:
        sig = np.asarray(sigma, dtype=float).ravel()
        if sig.shape != t.shape:
            raise InputError(f"{where}: {sig.size} uncertainties for {t.size} points")
        bad = ~np.isfinite(sig) | (sig <= 0)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{where}: point {k + 1}: field 'sigma_mbq': {sig[k]:g} (give an uncertainty "
                "> 0, or leave the column out)"
            )
    order = np.argsort(t, kind="stable")
    t, a = t[order], a[order]
    if sig is not None:
        sig = sig[order]
    if np.any(np.diff(t) == 0):
        raise InputError(f"{where}: two points at the same time (give each time once)")
    return t, a, sig


def trapezoid_tia(
    times: npt.ArrayLike,
    activities: npt.ArrayLike,
    half_life: float,
    *,
    start: Literal["first", "zero"] = "first",
) -> float:
    """Time-integrated activity [Bq s] by the trapezoid rule with a physical-decay tail.

    Parameters
    ----------
    times : array [s]
    activities : array [Bq]
    half_life : float [s]
        Physical half-life of the nuclide; after the last point the activity decays with it
        (a conservative tail: biological washout is ignored).
    start : {"first", "zero"}
        Before the first point the activity is taken as constant at its first value
        (``first``, for fast uptake) or rising linearly from 0 at t = 0 (``zero``).
    """
    t, a = check_tac(times, activities)
    head = t[0] * a[0] if start == "first" else 0.5 * t[0] * a[0]
    body = float(np.sum(0.5 * (a[1:] + a[:-1]) * np.diff(t)))
    tail = a[-1] * half_life / math.log(2)
    return float(head + body + tail)


def _design(model: str, rates: FloatArray, t: FloatArray) -> FloatArray:
    """Columns of the linear part of ``model`` for given rates (variable projection)."""
    if model == "uptake":
        return np.asarray((np.exp(-rates[0] * t) - np.exp(-rates[1] * t))[:, None], dtype=float)
    return np.exp(-np.multiply.outer(t, rates))


def _unpack(model: str, p: FloatArray, lam: float) -> tuple[FloatArray, FloatArray]:
    """Parameters -> (amplitudes, rates); rates are lam + (non-negative excess)."""
    if model == "uptake":
        washout = lam + p[1]
        return np.array([p[0], -p[0]]), np.array([washout, washout + p[2]])
    return p[0::2].copy(), lam + p[1::2]


def _model_function(model: str, lam: float) -> Callable[..., FloatArray]:
    def f(t: FloatArray, *p: float) -> FloatArray:
        amps, rates = _unpack(model, np.asarray(p), lam)
        return np.asarray(np.exp(-np.multiply.outer(t, rates)) @ amps, dtype=float)

    return f


def _starts(model: str, t: FloatArray, a: FloatArray, lam: float) -> list[FloatArray]:
    """Starting points: rate combinations from a log grid, amplitudes by linear least squares."""
    span = max(float(t[-1]), 1e-9)
    grid = np.array([0.1, 0.3, 1.0, 3.0, 10.0, 30.0]) / span
    n_rates = {"mono": 1, "bi": 2, "tri": 3, "uptake": 2}[model]
    starts = []
    for combo in itertools.combinations(grid, n_rates):
        excess = np.sort(np.asarray(combo))
        rates = lam + excess
        design = _design(model, rates, t)
        amps, *_ = np.linalg.lstsq(design, a, rcond=None)
        amps = np.maximum(amps, 1e-6 * float(a.max()))
        if model == "uptake":
            starts.append(np.array([amps[0], excess[0], excess[1] - excess[0]]))
        else:
            starts.append(np.ravel(np.column_stack([amps, excess])))
    return starts


def _information(sse: float, n: int, k: int) -> float:
    """AICc of a least-squares fit (AIC when n <= k + 1)."""
    sse = max(sse, 1e-300)
    aic = n * math.log(sse / n) + 2 * k
    return aic + 2 * k * (k + 1) / (n - k - 1) if n > k + 1 else aic


def fit_model(
    times: npt.ArrayLike,
    activities: npt.ArrayLike,
    model: str,
    half_life: float,
    *,
    sigma: npt.ArrayLike | None = None,
    where: str = "time-activity curve",
) -> TacFit:
    """Fit one model by non-linear least squares (:func:`scipy.optimize.curve_fit`).

    Parameters
    ----------
    times : array [s]
    activities : array [Bq]
    model : {"mono", "bi", "tri", "uptake"}
    half_life : float [s]
        Physical half-life: a lower bound of every effective decay constant.
    sigma : array [Bq], optional
        Standard uncertainty of each activity (weights).

    Raises
    ------
    InputError
        Unknown model, or fewer points than the model has parameters.
    RuntimeError
        No starting point converged.
    """
    from scipy.optimize import curve_fit

    if model not in MODELS:
        raise InputError(
            f"{where}: unknown model {model!r} (models: auto, {', '.join(MODELS)}, trapezoid, "
            f"{', '.join(SINGLE_POINT)})"
        )
    t, a, sigma = _checked(times, activities, sigma, where)
    k = MODELS[model]
    if t.size < k:
        raise InputError(
            f"{where}: {t.size} point(s), but the {model} model has {k} parameters "
            f"(give at least {k} points, or choose a simpler model or 'auto')"
        )
    lam = math.log(2) / half_life
    t_scale, a_scale = float(t[-1]) or 1.0, float(a.max()) or 1.0
    ts, as_ = t / t_scale, a / a_scale
    lam_s = lam * t_scale
    sig = None if sigma is None else np.asarray(sigma, dtype=float) / a_scale
    func = _model_function(model, lam_s)
    best: tuple[float, FloatArray] | None = None
    for p0 in _starts(model, ts, as_, lam_s):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                p, _ = curve_fit(func, ts, as_, p0=p0, sigma=sig, bounds=(0.0, np.inf), maxfev=4000)
        except (RuntimeError, ValueError):
            continue
        resid = (func(ts, *p) - as_) / (1.0 if sig is None else sig)
        sse = float(resid @ resid)
        if np.all(np.isfinite(p)) and (best is None or sse < best[0]):
            best = (sse, np.asarray(p, dtype=float))
    if best is None:
        raise RuntimeError(f"{where}: the {model} fit did not converge")
    sse_s, p = best
    amps, rates = _unpack(model, p, lam_s)
    curve = ExponentialSum(amps * a_scale, rates / t_scale)
    tia = curve.integral()
    if not (math.isfinite(tia) and tia >= 0):
        raise RuntimeError(f"{where}: the {model} fit gives a time-integral of {tia:g}")
    sse = sse_s * (a_scale**2 if sig is None else 1.0)
    return TacFit(
        method="fit",
        model=model,
        tia=tia,
        times=t,
        activities=a,
        curve=curve,
        sse=sse,
        aicc=_information(sse_s, t.size, k),
    )


def fit_tac(
    times: npt.ArrayLike,
    activities: npt.ArrayLike,
    half_life: float,
    *,
    model: str = "auto",
    sigma: npt.ArrayLike | None = None,
    where: str = "time-activity curve",
    effective_half_life: float | None = None,
) -> TacFit:
    """Time-integrated activity of a curve: fit (with model selection) or trapezoid.

    Parameters
    ----------
    times : array [s]
        Times after administration.
    activities : array [Bq]
    half_life : float [s]
        Physical half-life of the nuclide.
    model : str
        ``auto`` (lowest AICc, see the module docstring), one of :data:`MODELS`,
        ``trapezoid``, or a single-time-point method (``hanscheid``, ``madsen``).
    sigma : array [Bq], optional
    effective_half_life : float [s], optional
        For ``madsen``: the prior (population or earlier-cycle) effective half-life.

    Returns
    -------
    TacFit

    Warns
    -----
    ClinicalWarning
        No fit converged, or ``auto`` found a rising curve that only a washout model fitted:
        the trapezoid with a physical tail is used instead.

    Raises
    ------
    InputError
        Bad data, unknown model, one point without a single-time-point method, or too few
        points for the model asked for.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([4, 24, 48, 96]) * 3600.0
    >>> fit = fit_tac(t, 1e9 * np.exp(-np.log(2) * t / (40 * 3600)), 6.6443 * 86400)
    >>> fit.model, round(float(fit.tia / (1e9 * 40 * 3600 / np.log(2))), 6)
    ('mono', 1.0)
    """
    t, a, sigma = _checked(times, activities, sigma, where)
    if model in SINGLE_POINT:
        return single_point_tac(t, a, model, effective_half_life, where=where)
    if t.size < 2:
        raise InputError(
            f"{where}: 1 time point; a curve needs 2 or more (for one point use a single-time-"
            "point method: model 'hanscheid', or 'madsen' with an effective half-life)"
        )
    trapezoid = TacFit(
        method="trapezoid",
        model="trapezoid",
        tia=trapezoid_tia(t, a, half_life),
        times=t,
        activities=a,
    )
    if model == "trapezoid":
        return trapezoid
    if not a.any():  # nothing measured anywhere: no curve to fit
        return _note(trapezoid, f"{where}: every activity is 0")
    if model != "auto":
        try:
            return fit_model(t, a, model, half_life, sigma=sigma, where=where)
        except RuntimeError as err:
            warnings.warn(
                f"{err}; using the trapezoid with a physical-decay tail",
                ClinicalWarning,
                stacklevel=2,
            )
            return _note(trapezoid, f"{err}; trapezoid used")
    fits: list[TacFit] = []
    failures: list[str] = []
    usable = [name for name, k in MODELS.items() if t.size >= k + 2] or [
        name for name, k in MODELS.items() if t.size > k
    ]
    for name in usable:
        try:
            fits.append(fit_model(t, a, name, half_life, sigma=sigma, where=where))
        except RuntimeError as err:
            failures.append(str(err))
    if not fits:
        reason = "; ".join(failures) or f"{where}: {t.size} point(s) are too few for any fit"
        warnings.warn(
            f"{reason}; using the trapezoid with a physical-decay tail",
            ClinicalWarning,
            stacklevel=2,
        )
        return _note(trapezoid, f"{reason}; trapezoid used")
    candidates = {f.model: f.aicc for f in fits}
    lowest = min(f.aicc for f in fits)
    # within 2 of the lowest criterion, prefer the model with fewer parameters
    best = min((f for f in fits if f.aicc <= lowest + 2.0), key=lambda f: MODELS[f.model])
    peak = int(np.argmax(a))
    if best.model != "uptake" and peak > 0 and a[peak] > RISE * a[0]:
        reason = (
            f"{where}: the curve rises to its maximum at {t[peak] / 3600:g} h, which the "
            f"best-fitting model ({best.model}-exponential washout) cannot follow (add early "
            "points for the uptake model, or choose --model uptake)"
        )
        warnings.warn(
            f"{reason}; using the trapezoid with a physical-decay tail",
            ClinicalWarning,
            stacklevel=2,
        )
        return _note(trapezoid, f"{reason}; trapezoid used")
    return TacFit(
        method="fit",
        model=best.model,
        tia=best.tia,
        times=t,
        activities=a,
        curve=best.curve,
        sse=best.sse,
        aicc=best.aicc,
        candidates=candidates,
        note="; ".join(failures),
    )


RISE = 1.2
"""``auto`` rejects a washout-only fit when the curve's maximum exceeds its first point by more
than this factor (a rise that noise alone rarely makes)."""

SINGLE_POINT = ("hanscheid", "madsen")
"""Single-time-point methods accepted as ``model``."""


def single_point_tac(
    times: npt.ArrayLike,
    activities: npt.ArrayLike,
    method: str,
    effective_half_life: float | None = None,
    *,
    where: str = "time-activity curve",
) -> TacFit:
    """Time-integrated activity from one measurement (the latest, if several are given):
    Hänscheid (``2 t / ln 2``) or Madsen (needs ``effective_half_life`` [s]).

    Raises
    ------
    InputError
        Unknown method, Madsen without an effective half-life, or a measurement at t = 0.
    """
    t, a = check_tac(times, activities, where)
    t1, a1 = t[-1:], a[-1:]
    if t1[0] <= 0:
        raise InputError(f"{where}: a single-time-point estimate needs a measurement after t = 0")
    if method == "hanscheid":
        tia = float(hanscheid_tia(a1, t1)[0])
        note = f"single time point at {t1[0] / 3600:g} h (Hanscheid 2t/ln2)"
    elif method == "madsen":
        if effective_half_life is None or not effective_half_life > 0:
            raise InputError(
                f"{where}: the madsen method needs an effective half-life (column "
                "effective_half_life_h, e.g. a population value)"
            )
        tia = float(madsen_tia(a1, t1, effective_half_life)[0])
        note = (
            f"single time point at {t1[0] / 3600:g} h (Madsen, T_eff "
            f"{effective_half_life / 3600:g} h)"
        )
    else:
        raise InputError(f"{where}: unknown single-time-point method {method!r}")
    # the mono-exponential each method assumes (Hänscheid: T_eff equal to the time of the
    # measurement), drawn in reports; its integral is the estimate
    lam = math.log(2) / (t1[0] if method == "hanscheid" else float(effective_half_life or 1.0))
    curve = ExponentialSum(np.array([tia * lam]), np.array([lam]))
    return TacFit(
        method="single-point", model=method, tia=tia, times=t, activities=a, curve=curve, note=note
    )


def _note(fit: TacFit, note: str) -> TacFit:
    return TacFit(fit.method, fit.model, fit.tia, fit.times, fit.activities, note=note)


def hanscheid_tia(activity: npt.ArrayLike, time: npt.ArrayLike) -> FloatArray:
    """Single-time-point time-integrated activity, Hänscheid et al. (2018).

    :math:`\\tilde A \\approx A(t) \\, 2t / \\ln 2`. For a mono-exponential curve with
    :math:`x = \\lambda_{eff} t` the ratio to the true value is :math:`(2/\\ln 2)\\, x e^{-x}`:
    at most +6.1 % (at :math:`t = T_{eff}/\\ln 2`), exact at :math:`t = T_{eff}` and
    :math:`t = 2 T_{eff}` (:math:`x = \\ln 2, 2 \\ln 2`), and poor far from them.

    Parameters
    ----------
    activity : array [Bq]
        Activity measured at ``time``.
    time : array [s]
        Time after administration.

    Returns
    -------
    array [Bq s]

    References
    ----------
    H. Hänscheid, C. Lapa, A.K. Buck, M. Lassmann, R.A. Werner, "Dose mapping after
    endoradiotherapy with 177Lu-DOTATATE/DOTATOC by a single measurement after 4 days",
    J. Nucl. Med. 59 (2018) 75-81, doi:10.2967/jnumed.117.193706.
    """
    a = np.asarray(activity, dtype=float)
    return np.asarray(a * 2.0 * np.asarray(time, dtype=float) / math.log(2), dtype=float)


def madsen_tia(
    activity: npt.ArrayLike, time: npt.ArrayLike, effective_half_life: npt.ArrayLike
) -> FloatArray:
    """Single-time-point time-integrated activity with a prior effective half-life, Madsen et
    al. (2018): :math:`\\tilde A = A(t) e^{\\lambda t} / \\lambda`,
    :math:`\\lambda = \\ln 2 / T_{eff}` (exact for a mono-exponential curve with that
    :math:`T_{eff}`).

    Parameters
    ----------
    activity : array [Bq]
    time : array [s]
    effective_half_life : array [s]
        Population (or earlier-cycle) effective half-life.

    Returns
    -------
    array [Bq s]

    References
    ----------
    M.T. Madsen, Y. Menda, T.M. O'Dorisio, M.S. O'Dorisio, "Technical Note: Single time point
    dose estimate for exponential clearance", Med. Phys. 45 (2018) 2318-2324,
    doi:10.1002/mp.12886.
    """
    lam = math.log(2) / np.asarray(effective_half_life, dtype=float)
    t = np.asarray(time, dtype=float)
    return np.asarray(np.asarray(activity, dtype=float) * np.exp(lam * t) / lam, dtype=float)

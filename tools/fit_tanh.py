#!/usr/bin/env python3
"""Derives the polynomial coefficients of the fast float tanh in kernels/activation-inl.h.

tanh(x), x >= 0, is evaluated in two pieces (see the comment there):
  small:  x < kTanhSmall:  tanh(x) = x + x^3 * P(x^2)
  large:  otherwise:       tanh(x) = 1 - 2 / (exp(2x) + 1), exp(y) = 2^k * E(r), r = y - k ln2,
                           |r| <= ln2/2
P and E are near-minimax polynomials (Chebyshev fits, mpmath.chebyfit) computed in 50-digit
arithmetic, then rounded to float32. The float kernel's accuracy is then measured, not inferred,
by tests/activation_test.cc over float bit patterns; this script only prints the fit's own error.

Run: python3 tools/fit_tanh.py   (needs python3-mpmath)
"""
import struct

import mpmath as mp

mp.mp.dps = 50

SMALL = mp.mpf("0.625")  # tanh(0.625) ~ 0.555: above it, 1 - 2/(e+1) loses < 1 bit to cancellation


def to_f32(value):
    return struct.unpack("f", struct.pack("f", float(value)))[0]


def fit(name, f, interval, degree):
    coeffs, err = mp.chebyfit(f, interval, degree + 1, error=True)
    coeffs = list(reversed(coeffs))  # chebyfit returns the highest degree first
    print(f"{name}: degree {degree} on [{mp.nstr(interval[0], 6)}, {mp.nstr(interval[1], 6)}], "
          f"max abs error of the fit {mp.nstr(err, 3)}")
    for i, c in enumerate(coeffs):
        print(f"  c{i} = {to_f32(c)!r:>16}f   // {mp.nstr(c, 20)}")
    return coeffs


def main():
    # P(u) with tanh(x) = x + x^3 P(x^2), u = x^2 in [0, SMALL^2]. The error of P is scaled by
    # x^2 <= 0.39 relative to the result, so an absolute error of 1e-9 in P is far below float's
    # 6e-8 relative rounding.
    def p_target(u):
        if u == 0:
            return mp.mpf(-1) / 3
        x = mp.sqrt(u)
        return (mp.tanh(x) - x) / (x ** 3)

    fit("P(u), tanh(x) = x + x^3 P(x^2)", p_target, [mp.mpf(0), SMALL ** 2], 5)
    # E(r) ~ exp(r) on |r| <= ln2/2 (after the reduction y = k ln2 + r).
    half_ln2 = mp.log(2) / 2
    fit("E(r) ~ exp(r)", mp.exp, [-half_ln2, half_ln2], 6)


if __name__ == "__main__":
    main()

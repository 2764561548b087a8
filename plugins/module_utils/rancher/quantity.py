# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes resource quantities in their canonical form, as Rancher returns them (``0.1`` -> ``100m``).

Rancher stores resource requirements as ``resource.Quantity`` and answers with its canonical text, so a value is
compared in that form. The rules are k8s.io/apimachinery's (pkg/api/resource/quantity.go ``CanonicalizeBytes``,
amount.go ``AsCanonicalBytes``/``AsCanonicalBase1024Bytes``, v0.33):

* the format of the input is kept: binary SI (``Ki``..``Ei``), decimal SI (``n``..``E``, no suffix) or a decimal
  exponent (``1e3``); a binary value between -1024 and 1024, or one that is not a whole number, is shown in decimal SI;
* decimal forms: trailing zeros are taken out of the number and the exponent is brought to a multiple of 3
  (``1000`` -> ``1k``, ``0.1`` -> ``100m``, ``1.5`` -> ``1500m``);
* binary form: the whole number is divided by 1024 as long as that stays exact (``0.5Gi`` -> ``512Mi``);
* more precise than ``1n`` rounds up to nano; zero is ``0``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from fractions import Fraction

BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
DECIMAL_BY_EXPONENT = {v: k for k, v in DECIMAL_SUFFIXES.items()}
BINARY_BY_EXPONENT = {v: k for k, v in BINARY_SUFFIXES.items()}
QUANTITY_RE = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(.*)$")
EXPONENT_RE = re.compile(r"^[eE]([+-]?\d+)$")


class QuantityError(ValueError):
    pass


def parse_quantity(text):
    """``(value as a Fraction, format)``; format is ``binary``, ``decimal`` or ``exponent``."""
    if isinstance(text, bool):
        raise QuantityError("%r is not a quantity" % (text,))
    if isinstance(text, int):
        text = str(text)
    if isinstance(text, float):
        text = repr(text)
    match = QUANTITY_RE.match(str(text).strip())
    if not match:
        raise QuantityError("%r is not a quantity (for example 100m, 0.5, 128Mi, 1e3)" % (text,))
    sign, number, suffix = match.groups()
    value = Fraction(number)
    if sign == "-":
        value = -value
    exponent_match = EXPONENT_RE.match(suffix)
    if suffix in BINARY_SUFFIXES:
        return value * (2 ** BINARY_SUFFIXES[suffix]), "binary"
    if suffix in DECIMAL_SUFFIXES:
        return value * Fraction(10) ** DECIMAL_SUFFIXES[suffix], "decimal"
    if exponent_match:
        return value * Fraction(10) ** int(exponent_match.group(1)), "exponent"
    raise QuantityError(
        "%r has an unknown suffix %r (use n, u, m, k, M, G, T, P, E, Ki..Ei or e<exponent>)" % (text, suffix)
    )


def _round_up_to_nano(value):
    scaled = value * 10 ** 9
    if scaled.denominator == 1:
        return value
    magnitude = -(-abs(scaled.numerator) // scaled.denominator)  # ceil of |value| in nano
    return Fraction(magnitude if value > 0 else -magnitude, 10 ** 9)


def _decimal_parts(value):
    """``(mantissa, exponent)``: no factor of 10 left in the mantissa, then the exponent a multiple of 3."""
    exponent = 0
    while value.denominator != 1:
        value *= 10
        exponent -= 1
    mantissa = value.numerator
    while mantissa != 0 and mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    shift = exponent % 3  # Python's modulo is never negative: bring the exponent down to a multiple of 3
    return mantissa * 10 ** shift, exponent - shift


def canonical_quantity(text):
    """The text Kubernetes (and so Rancher) gives back for the quantity ``text``."""
    value, fmt = parse_quantity(text)
    value = _round_up_to_nano(value)
    if value == 0:
        return "0"
    if fmt == "binary" and (-1024 < value < 1024 or value.denominator != 1):
        fmt = "decimal"
    if fmt == "binary":
        mantissa, exponent = value.numerator, 0
        while mantissa % 1024 == 0 and exponent < 60:
            mantissa //= 1024
            exponent += 10
        return "%d%s" % (mantissa, BINARY_BY_EXPONENT.get(exponent, ""))
    mantissa, exponent = _decimal_parts(value)
    if fmt == "exponent":
        return "%de%d" % (mantissa, exponent) if exponent else "%d" % mantissa
    while exponent > 18:
        mantissa *= 1000
        exponent -= 3
    return "%d%s" % (mantissa, DECIMAL_BY_EXPONENT[exponent])

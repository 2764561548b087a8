# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tenancy.vcluster maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command-line flags as the charts pass them in ``extraArgs`` lists. Pure logic, no I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def split_flags(args):
    """``["--a=b", "--c", "d", "--e"]`` -> [("a", "b", 0), ("c", "d", 1), ("e", "", 3)]; non-flags -> (None, arg)."""
    result = []
    index = 0
    args = [str(arg) for arg in args or []]
    while index < len(args):
        arg = args[index]
        if not arg.startswith("--"):
            result.append((None, arg, index))
            index += 1
            continue
        name = arg[2:]
        if "=" in name:
            name, value = name.split("=", 1)
            result.append((name, value, index))
            index += 1
        elif index + 1 < len(args) and not args[index + 1].startswith("--"):
            result.append((name, args[index + 1], index))
            index += 2
        else:
            result.append((name, "", index))
            index += 1
    return result

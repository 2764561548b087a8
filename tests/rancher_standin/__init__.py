# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rancher API stand-in for tests (reference/rancher.md section 13.15). See :mod:`.server`."""

from .agentcheck import KubeconfigAgentCheck
from .profiles import PROFILES
from .server import RancherStandin

__all__ = ["PROFILES", "KubeconfigAgentCheck", "RancherStandin"]

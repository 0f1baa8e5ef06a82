"""The fault proxy lives in the package now (scripts/fault_run.py uses it too, and scripts never
import tests): bots/localwiki/faultproxy.py."""

from bots.localwiki.faultproxy import KINDS, FaultPlan, FaultProxy

__all__ = ["KINDS", "FaultPlan", "FaultProxy"]

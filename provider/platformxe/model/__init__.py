"""Typed models of the provider's resources, shared by the provider and the plan checker.

Pure data (standard library only): :mod:`platformxe.terraform` builds plans and state with them,
:mod:`platformxe.plancheck` reads ``terraform show -json`` output with them, and neither has to
import the other (docs/architecture.md).
"""

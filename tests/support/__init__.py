"""Test support code shared by the contract and acceptance suites (importable as ``support``)."""

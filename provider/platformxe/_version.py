"""The distribution's version, in a module of its own so any part of the package can read it
without importing the package root (whose lazy ``Client`` export imports the SDK)."""

__version__ = "0.1.0"

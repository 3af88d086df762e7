"""onshi — an open implementation of Japan's Online Qualification Confirmation System."""

__version__ = "0.1.0"

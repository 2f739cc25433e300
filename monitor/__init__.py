"""Airspace and aviation risk monitor: state warnings, NOTAMs and cancellations per route."""

__version__ = "0.1.0"

"""Airspace and aviation risk monitor: state warnings, NOTAMs and airline cancellations per route."""

__version__ = "0.1.0"

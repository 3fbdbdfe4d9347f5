"""geosim: an agent-based simulation of the China-Russia-North Korea-US-South Korea system."""

__version__ = "0.1.0"

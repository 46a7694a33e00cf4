"""prioritize: product-mindset backlog prioritization for public-sector digital services."""

__version__ = "0.1.0"

"""partnerkb: builds a vendor's partner portal from Markdown and YAML."""

__version__ = "0.1.0"

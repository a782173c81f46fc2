"""Live preview: one variant served on loopback, built again on every edit (`partnerkb serve`)."""

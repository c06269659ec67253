"""HTTP interface: response models and routes, kept apart from the core."""

"""The `annotator` command: thin wrappers, each calling one core function."""
